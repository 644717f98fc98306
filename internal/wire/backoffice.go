package wire

import (
	"time"

	"qrpos/internal/money"
)

// The back office: what managers edit (menu, staff, tables and areas,
// settings), photos, the cash drawer and the audit log. Every request is
// a POST/PUT with an Idempotency-Key; ids are chosen by the client.

// Events of the back office, pushed to the store's terminals and to its
// diners' pages: the client reloads what it shows.
const (
	EventMenuUpdated     = "menu.updated"
	EventStaffUpdated    = "staff.updated"
	EventTablesUpdated   = "tables.updated"
	EventSettingsUpdated = "settings.updated"
)

// CategoryRequest is the body of POST /api/menu/categories and
// PUT /api/menu/categories/{id}.
type CategoryRequest struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Position int    `json:"position"`
}

// ReorderRequest lists ids in their new order (positions 0, 1, 2, ...).
type ReorderRequest struct {
	IDs []string `json:"ids"`
}

// ItemRequest is the body of POST /api/menu/items and
// PUT /api/menu/items/{id}. Price is in the store's currency.
type ItemRequest struct {
	ID         string       `json:"id"`
	CategoryID string       `json:"category_id"`
	Name       string       `json:"name"`
	Price      money.Amount `json:"price"`
	TaxRateBP  int          `json:"tax_rate_bp"`
	Available  bool         `json:"available"`
	// SoldOut marks the item sold out until the next business day.
	SoldOut        bool     `json:"sold_out"`
	Position       int      `json:"position"`
	ModifierGroups []string `json:"modifier_groups,omitempty"`
	// Photo is the sha256 a photo upload answered, "" for none.
	Photo string `json:"photo,omitempty"`
}

// SoldOutRequest is the body of POST /api/menu/items/{id}/sold-out.
type SoldOutRequest struct {
	SoldOut bool `json:"sold_out"`
}

// ModifierGroupRequest is the body of POST /api/menu/modifier-groups and
// PUT /api/menu/modifier-groups/{id}. Modifiers are listed in order.
type ModifierGroupRequest struct {
	ID        string     `json:"id"`
	Name      string     `json:"name"`
	Min       int        `json:"min"`
	Max       int        `json:"max"`
	Position  int        `json:"position"`
	Modifiers []Modifier `json:"modifiers"`
}

// PhotoUpload is the body of POST /api/media: a JPEG or PNG, base64 in
// JSON.
type PhotoUpload struct {
	Data []byte `json:"data"`
}

// Photo answers a photo upload: Path is the 640 px variant, Paths every
// variant by width (for srcset).
type Photo struct {
	SHA256 string         `json:"sha256"`
	Path   string         `json:"path"`
	Paths  map[int]string `json:"paths"`
}

// PhotoPath is the URL path of a photo variant: immutable, cacheable.
func PhotoPath(sha string, width int) string {
	return "/media/" + sha + "-" + itoa(width) + ".jpg"
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}

// PriceAt answers GET /api/menu/items/{id}/price?version=V: what the item
// and its options cost at menu version V.
type PriceAt struct {
	ItemID    string                  `json:"item_id"`
	Version   int64                   `json:"version"`
	Price     money.Amount            `json:"price"`
	Modifiers map[string]money.Amount `json:"modifiers"`
}

// AddStaffRequest is the body of POST /api/staff.
type AddStaffRequest struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Role string `json:"role"`
	PIN  string `json:"pin"`
}

// ChangeStaffRequest is the body of PATCH /api/staff/{id}: absent fields
// stay as they are. A new PIN or active=false ends the member's sessions.
type ChangeStaffRequest struct {
	Name   *string `json:"name,omitempty"`
	Role   *string `json:"role,omitempty"`
	PIN    *string `json:"pin,omitempty"`
	Active *bool   `json:"active,omitempty"`
}

// TableRequest is the body of POST /api/tables and PUT /api/tables/{id}.
type TableRequest struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Seats    int    `json:"seats"`
	Position int    `json:"position"`
	AreaID   string `json:"area_id,omitempty"`
}

// Area is a part of the restaurant holding tables.
type Area struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Position int    `json:"position"`
}

// AreaList answers GET /api/areas.
type AreaList struct {
	Areas []Area `json:"areas"`
}

// Settings answers GET /api/settings and is the body of PUT /api/settings.
// PublicURL "" and AutoPrint null mean "not set": the server's -public-url
// flag and each bridge's own auto_print apply. The risk limits (and the
// password-free threshold) are per rail at /api/limits/{rail}.
type Settings struct {
	Name      string `json:"name"`
	Address   string `json:"address"`
	Currency  string `json:"currency"`
	PublicURL string `json:"public_url"`
	AutoPrint *bool  `json:"auto_print"`
	AutoSend  bool   `json:"auto_send"`
	// EffectivePublicURL is the base URL in use (answers only).
	EffectivePublicURL string `json:"effective_public_url,omitempty"`
}

// OpenDrawerRequest is the body of POST /api/drawer/open: open the cash
// drawer without a sale, through a bridge's printer.
type OpenDrawerRequest struct {
	BridgeID string `json:"bridge_id"`
	Reason   string `json:"reason"`
}

// AuditEntry is one privileged action in the audit log.
type AuditEntry struct {
	ID        int64     `json:"id"`
	At        time.Time `json:"at"`
	StaffID   string    `json:"staff_id"`
	StaffName string    `json:"staff_name"`
	Action    string    `json:"action"`
	Target    string    `json:"target"`
	Detail    string    `json:"detail,omitempty"`
	Reason    string    `json:"reason,omitempty"`
}

// AuditLog answers GET /api/audit?action=&staff=&from=YYYY-MM-DD&to=YYYY-MM-DD.
type AuditLog struct {
	Entries []AuditEntry `json:"entries"`
	Actions []string     `json:"actions"`
}

// Limits are a rail's risk limits (GET and PUT /api/limits/{rail}); zero
// is no limit. Above PasswordFree the payer confirms on the phone.
type Limits struct {
	SingleMax    money.Amount `json:"single_max"`
	DailyMax     money.Amount `json:"daily_max"`
	PasswordFree money.Amount `json:"password_free"`
}
