package wire

// TableLink is the sticker link of one table: the QR code on the table
// encodes URL, which opens the diner's pages at /t/<Link>.
type TableLink struct {
	TableID   string `json:"table_id"`
	TableName string `json:"table_name"`
	// Gen is the link generation; revoking the sticker bumps it.
	Gen  int    `json:"gen"`
	Link string `json:"link"`
	URL  string `json:"url"`
}

// CodeBadTableLink is the error code of a table link that is not genuine,
// was altered or was revoked.
const CodeBadTableLink = "bad_table_link"

// TableLinkPath is the path prefix of table links.
const TableLinkPath = "/t/"
