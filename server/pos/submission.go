package pos

import "time"

// SubmissionState is where a diner's submission is.
type SubmissionState string

// Submission states: pending until the staff decide; accepted lines are
// normal lines of the order (sent to the kitchen when sent); served when
// the staff brought them; rejected lines were taken off the order.
const (
	SubmissionPending  SubmissionState = "pending"
	SubmissionAccepted SubmissionState = "accepted"
	SubmissionRejected SubmissionState = "rejected"
	SubmissionServed   SubmissionState = "served"
)

// Submission is a batch of lines a diner sent from their phone. Its id is
// made by the phone, so a retried send names the same submission.
type Submission struct {
	ID             string
	StoreID        string
	TableSessionID string
	TableID        string
	OrderID        string
	DinerID        string
	State          SubmissionState
	// Reason says why the staff rejected it.
	Reason string
	// Lines are the lines as submitted (kept after a rejection).
	Lines       []Line
	RequestHash []byte
	CreatedAt   time.Time
	DecidedAt   *time.Time
	DecidedBy   string
	ServedAt    *time.Time
}

// ServiceKind is what a diner asks the staff for.
type ServiceKind string

// Service request kinds.
const (
	ServiceWaiter ServiceKind = "waiter"
	ServiceBill   ServiceKind = "bill"
)

// ServiceRequest is a diner calling the waiter or asking for the bill,
// shown on the tablets until a member of staff acknowledges it.
type ServiceRequest struct {
	ID             string
	StoreID        string
	TableSessionID string
	TableID        string
	Kind           ServiceKind
	CreatedAt      time.Time
	AcknowledgedAt *time.Time
	AcknowledgedBy string
}
