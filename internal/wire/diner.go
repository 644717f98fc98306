package wire

import "time"

// DinerCookie is the name of the cookie that carries a diner's token (a
// phone that joined a table by its sticker link). HttpOnly, SameSite=Lax.
const DinerCookie = "qrpos_diner"

// Error codes of table-side ordering.
const (
	// CodeTableSessionEnded: the staff cleared the table; the diner scans
	// the table's code again.
	CodeTableSessionEnded = "table_session_ended"
)

// DinerTable answers POST /api/t/{link}/join and GET /api/diner/table:
// the restaurant, the table, the diner's table session and the table's
// active order, if any.
type DinerTable struct {
	Store          StoreInfo `json:"store"`
	Table          TableRef  `json:"table"`
	TableSessionID string    `json:"table_session_id"`
	DinerID        string    `json:"diner_id"`
	Order          *Order    `json:"order,omitempty"`
	// Submissions are the session's submissions, oldest first.
	Submissions []Submission `json:"submissions"`
	// Services are the session's service requests not yet acknowledged.
	Services []ServiceRequest `json:"services"`
	// Menu comes with a join that asks for it (?with=menu), saving a
	// phone on a slow network a round trip before it can show the menu.
	Menu *DinerMenu `json:"menu,omitempty"`
}

// TableRef names a table.
type TableRef struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Submission states.
const (
	SubmissionPending  = "pending"
	SubmissionAccepted = "accepted"
	SubmissionRejected = "rejected"
	SubmissionServed   = "served"
)

// Submission is a batch of lines a diner sent from their phone.
type Submission struct {
	ID        string    `json:"id"`
	OrderID   string    `json:"order_id"`
	TableID   string    `json:"table_id"`
	TableName string    `json:"table_name,omitempty"`
	State     string    `json:"state"`
	Reason    string    `json:"reason,omitempty"`
	Lines     []Line    `json:"lines"`
	CreatedAt time.Time `json:"created_at"`
	// Sent says every line is in the kitchen (accepted and sent).
	Sent bool `json:"sent,omitempty"`
}

// Service request kinds.
const (
	ServiceWaiter = "waiter"
	ServiceBill   = "bill"
)

// ServiceRequest is a diner calling the waiter or asking for the bill.
type ServiceRequest struct {
	ID             string     `json:"id"`
	TableID        string     `json:"table_id"`
	TableName      string     `json:"table_name,omitempty"`
	Kind           string     `json:"kind"`
	CreatedAt      time.Time  `json:"created_at"`
	AcknowledgedAt *time.Time `json:"acknowledged_at,omitempty"`
}

// Event types of table-side ordering.
const (
	// EventSubmission carries a new or changed submission (Submission).
	EventSubmission = "submission.updated"
	// EventService carries a new or acknowledged service request (Service).
	EventService = "service.updated"
	// EventTableCleared tells a table's phones that their session ended.
	EventTableCleared = "table.cleared"
)

// DinerMenu answers GET /api/diner/menu: the menu (sold-out items have
// Available false) and its version, if the store keeps menu versions.
type DinerMenu struct {
	Menu
}

// SubmitRequest is the body of POST /api/diner/submissions. ID is made by
// the phone once per send; a retry sends the same id and lines.
type SubmitRequest struct {
	ID    string       `json:"id"`
	Lines []SubmitLine `json:"lines"`
}

// SubmitLine is one dish of a submission (quantity 1 to 99).
type SubmitLine struct {
	ItemID      string   `json:"item_id"`
	Qty         int      `json:"qty"`
	ModifierIDs []string `json:"modifier_ids,omitempty"`
	Note        string   `json:"note,omitempty"`
	// MenuVersion is the menu version the diner saw the dish's price on
	// (Menu.Version); the server charges that version's prices if the
	// version is not older than the table session. Absent: current prices.
	MenuVersion *int64 `json:"menu_version,omitempty"`
}

// SubmitAnswer answers POST /api/diner/submissions.
type SubmitAnswer struct {
	Submission Submission `json:"submission"`
	Order      Order      `json:"order"`
}

// ServiceRequestBody is the body of POST /api/diner/services.
type ServiceRequestBody struct {
	Kind string `json:"kind"`
}

// RejectRequest is the body of POST /api/submissions/{id}/reject.
type RejectRequest struct {
	Reason string `json:"reason"`
}

// TableInbox answers GET /api/submissions: what tables wait for.
type TableInbox struct {
	Submissions []Submission     `json:"submissions"`
	Services    []ServiceRequest `json:"services"`
	// Seated are the tables whose diners joined by QR code and that the
	// staff have not cleared yet (POST /api/tables/{id}/clear).
	Seated []TableRef `json:"seated"`
}

// DecisionAnswer answers accept, reject and served.
type DecisionAnswer struct {
	Submission Submission `json:"submission"`
	Order      Order      `json:"order"`
}

// TableOrderSettings is the body of GET/PUT /api/table-ordering.
type TableOrderSettings struct {
	// AutoSendToKitchen: accepted lines from tables go to the kitchen at
	// once.
	AutoSendToKitchen bool `json:"auto_send_to_kitchen"`
}
