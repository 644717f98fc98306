package cashier

import (
	"strings"
	"testing"

	"qrpos/app/client"
	"qrpos/internal/wire"
)

func TestTablesPage(t *testing.T) {
	manager := wire.Session{Staff: wire.StaffInfo{Name: "Li Na", Role: wire.RoleManager}}
	cashier := wire.Session{Staff: wire.StaffInfo{Name: "Wang Wei", Role: wire.RoleCashier}}
	t5 := wire.TableLink{TableID: "t5", TableName: "Table 5", Gen: 1, Link: "abc.def", URL: "https://pos.example.test/t/abc.def"}
	t8 := wire.TableLink{TableID: "t8", TableName: "8号桌", Gen: 3, Link: "ghi.jkl", URL: "https://pos.example.test/t/ghi.jkl"}
	tests := []struct {
		name string
		set  func(p *TablesPage)
		want []string
		not  []string
	}{
		{"cashier may not", func(p *TablesPage) { p.sess = cashier },
			[]string{"tables-forbidden"}, []string{"table-sticker", "tables-download-pdf", "nav-tables"}},
		{"manager sees every sticker", func(p *TablesPage) { p.sess, p.store, p.links = manager, "Lotus Garden", []wire.TableLink{t5, t8} },
			[]string{"nav-tables", `data-table-id="t5"`, `data-table-id="t8"`, `data-gen="3"`, "table-sticker-qr", "<svg",
				`href="/api/tables/stickers.pdf"`, `href="/api/tables/stickers.pdf?table=t5"`, "tables-print-all",
				"Revoke the sticker of 8号桌 and print a new one", "Lotus Garden"},
			[]string{"revoke-sticker-dialog", "table-sticker-renewed", "tables-empty"}},
		{"no tables", func(p *TablesPage) { p.sess = manager },
			[]string{"tables-empty"}, []string{"table-sticker\""}},
		{"revoke asks first", func(p *TablesPage) { p.sess, p.links, p.revoking = manager, []wire.TableLink{t5}, &t5 },
			[]string{"revoke-sticker-dialog", "Replace the sticker of Table 5?", "stops working at once", "revoke-sticker-confirm", "revoke-sticker-cancel"},
			[]string{"revoke-sticker-error"}},
		{"failed revoke keeps the dialog", func(p *TablesPage) {
			p.sess, p.links, p.revoking = manager, []wire.TableLink{t5}, &t5
			p.revoke = &pending{key: "k", table: "t5", message: "No connection to the server."}
		}, []string{"revoke-sticker-error", "No connection to the server."}, nil},
		{"renewed sticker and print status", func(p *TablesPage) {
			p.sess, p.links = manager, []wire.TableLink{t5}
			p.renewed["t5"] = true
			p.prints["t5"] = &pending{key: "k", table: "t5", failed: true, message: "No counter printer is connected"}
			p.prints[""] = &pending{key: "k2", message: "8 stickers sent to the printer."}
		}, []string{"table-sticker-renewed", elem("table-print-status", "print-status", "No counter printer"), `data-state="error"`,
			elem("tables-print-status", "print-status", "8 stickers sent"), `data-state="done"`}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := NewTables(client.New())
			p.loaded = true
			tt.set(p)
			html := load(t, p)
			for _, w := range tt.want {
				if !containsElem(html, w) {
					t.Errorf("page lacks %q", w)
				}
			}
			for _, n := range tt.not {
				if strings.Contains(html, n) {
					t.Errorf("page has %q, want none", n)
				}
			}
		})
	}
}

func TestStickerPrintWords(t *testing.T) {
	jobs := func(states ...string) wire.PrintStickerResult {
		var r wire.PrintStickerResult
		for _, s := range states {
			r.Jobs = append(r.Jobs, wire.JobStatus{State: s})
		}
		return r
	}
	tests := []struct {
		res  wire.PrintStickerResult
		want string
	}{
		{jobs(wire.JobQueued), "Sticker sent to the printer."},
		{jobs(wire.JobQueued, wire.JobQueued, wire.JobQueued), "3 stickers sent to the printer."},
		{jobs(wire.JobDuplicate), "Already sent to the printer: not printed again."},
		{jobs(wire.JobQueued, wire.JobFailed), "The printer refused the sticker. Check the printer on the Devices page."},
	}
	for _, tt := range tests {
		if got := stickerPrintWords(tt.res); got != tt.want {
			t.Errorf("stickerPrintWords(%+v) = %q, want %q", tt.res, got, tt.want)
		}
	}
}
