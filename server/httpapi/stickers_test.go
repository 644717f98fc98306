package httpapi_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"qrpos/internal/wire"
	"qrpos/server/demo"
	"qrpos/server/pdf"
	"qrpos/server/pdf/pdftest"
	"qrpos/server/sticker"
)

func tableLink(t *testing.T, tm *terminal, id string) wire.TableLink {
	t.Helper()
	resp, body := tm.do("GET", "/api/tables/"+id+"/link", nil, nil)
	var l wire.TableLink
	if resp.StatusCode != 200 || json.Unmarshal(body, &l) != nil {
		t.Fatalf("link of %s: %d %s", id, resp.StatusCode, body)
	}
	return l
}

func listTables(t *testing.T, tm *terminal) []wire.Table {
	t.Helper()
	var list wire.TableList
	_, body := tm.do("GET", "/api/tables", nil, nil)
	if err := json.Unmarshal(body, &list); err != nil || len(list.Tables) == 0 {
		t.Fatalf("tables: %s", body)
	}
	return list.Tables
}

// stickerQR decodes the QR code of the i-th sticker of a sheet.
func stickerQR(t *testing.T, f *pdftest.File, i int) string {
	t.Helper()
	rects, _, err := pdftest.Ops(f.Pages[i/sticker.PerPage].Content)
	if err != nil {
		t.Fatal(err)
	}
	x, y, size := sticker.QRBox(i % sticker.PerPage)
	text, err := pdftest.DecodeQR(rects, x, pdf.A4Height-y, size)
	if err != nil {
		t.Fatalf("sticker %d: decode QR: %v", i, err)
	}
	return text
}

func TestStickerSheetOverHTTP(t *testing.T) {
	e := newEnv(t)
	mgr, cashier := e.terminal(t), e.terminal(t)
	mgr.login(demo.ManagerID, "2468")
	cashier.login(demo.CashierID, "1357")

	resp, body := mgr.do("GET", "/api/tables/stickers.pdf", nil, nil)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/pdf" || resp.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("sheet: %d %s %q", resp.StatusCode, resp.Header, body[:min(len(body), 200)])
	}
	f, err := pdftest.Parse(body)
	if err != nil {
		t.Fatal(err)
	}
	tables := listTables(t, mgr)
	if want := (len(tables) + sticker.PerPage - 1) / sticker.PerPage; len(f.Pages) != want {
		t.Errorf("%d tables on %d pages, want %d", len(tables), len(f.Pages), want)
	}
	for i, tab := range tables {
		if got, want := stickerQR(t, f, i), tableLink(t, mgr, tab.ID).URL; got != want {
			t.Errorf("sticker %d (%s) QR = %q, want %q", i, tab.ID, got, want)
		}
	}
	// The restaurant's Chinese name is in the CJK font: 荷花园.
	if !strings.Contains(f.Pages[0].Content, "<837782B156ED>") {
		t.Error("sheet does not show 荷花园 as UCS-2 codes")
	}

	var links wire.TableLinkList
	_, body = mgr.do("GET", "/api/tables/links", nil, nil)
	if err := json.Unmarshal(body, &links); err != nil || len(links.Links) != len(tables) || links.StoreName != "Lotus Garden 荷花园" {
		t.Fatalf("links: %s, want one per table", body)
	}
	for i, l := range links.Links {
		if l != tableLink(t, mgr, tables[i].ID) {
			t.Errorf("links[%d] = %+v, want the link of %s", i, l, tables[i].ID)
		}
	}
	resp, body = cashier.do("GET", "/api/tables/links", nil, nil)
	if resp.StatusCode != 403 {
		t.Errorf("cashier links: %d %s, want 403", resp.StatusCode, body)
	}

	resp, body = mgr.do("GET", "/api/tables/stickers.pdf?table=t5", nil, nil)
	if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Disposition"), "table-sticker-t5.pdf") {
		t.Fatalf("t5 sheet: %d %s", resp.StatusCode, resp.Header)
	}
	if f, err = pdftest.Parse(body); err != nil || len(f.Pages) != 1 {
		t.Fatalf("t5 sheet: %v, want one page", err)
	}
	if got, want := stickerQR(t, f, 0), tableLink(t, mgr, "t5").URL; got != want {
		t.Errorf("t5 sticker QR = %q, want %q", got, want)
	}

	resp, body = cashier.do("GET", "/api/tables/stickers.pdf", nil, nil)
	if resp.StatusCode != 403 || errCode(t, body).Code != wire.CodeForbidden {
		t.Errorf("cashier: %d %s, want 403 forbidden", resp.StatusCode, body)
	}
	resp, body = mgr.do("GET", "/api/tables/stickers.pdf?table=nope", nil, nil)
	if resp.StatusCode != 404 {
		t.Errorf("missing table: %d %s, want 404", resp.StatusCode, body)
	}
	resp, body = e.terminal(t).do("GET", "/api/tables/stickers.pdf", nil, nil)
	if resp.StatusCode != 401 {
		t.Errorf("no session: %d %s, want 401", resp.StatusCode, body)
	}
}

// TestPrintStickers: a sticker reaches the bridge as a sticker job with the
// table's current link; the same request again is the same job (the bridge
// answers duplicate, nothing prints twice); print-all sends every table;
// cashiers cannot print stickers.
func TestPrintStickers(t *testing.T) {
	e := newBridgeEnv(t)
	p := pairOverHTTP(t, e)
	mgr, cashier := e.terminal(t), e.terminal(t)
	mgr.login(demo.ManagerID, "2468")
	cashier.login(demo.CashierID, "1357")
	key := func(k string) map[string]string { return map[string]string{wire.HeaderIdempotencyKey: k} }
	req := wire.PrintStickerRequest{BridgeID: p.BridgeID}

	resp, body := mgr.do("POST", "/api/tables/t5/print-sticker", req, key("ps-0"))
	if resp.StatusCode != http.StatusServiceUnavailable || errCode(t, body).Code != wire.CodeBridgeOffline {
		t.Fatalf("offline: %d %s, want 503 %s", resp.StatusCode, body, wire.CodeBridgeOffline)
	}
	b := connectBridge(t, e, p)
	b.send(wire.BridgeMessage{Type: wire.BridgePing, Seq: 1})
	b.next(wire.BridgePong)

	type answer struct {
		status int
		body   []byte
	}
	// print sends the request and plays the bridge: each job it receives is
	// answered with state (or duplicate, for an id already printed).
	printed := map[string]bool{}
	var jobs []wire.PrintJob
	print := func(path string, k string, want int) (int, wire.PrintStickerResult) {
		t.Helper()
		done := make(chan answer, 1)
		go func() {
			resp, body := mgr.do("POST", path, req, key(k))
			done <- answer{resp.StatusCode, body}
		}()
		for range want {
			m := b.next(wire.BridgePrint)
			jobs = append(jobs, *m.Print)
			state := wire.JobQueued
			if printed[m.Print.ID] {
				state = wire.JobDuplicate
			}
			printed[m.Print.ID] = true
			b.send(wire.BridgeMessage{Type: wire.BridgeJobStatus, Job: &wire.JobStatus{ID: m.Print.ID, State: state}})
		}
		a := <-done
		var res wire.PrintStickerResult
		json.Unmarshal(a.body, &res)
		return a.status, res
	}

	status, res := print("/api/tables/t5/print-sticker", "ps-1", 1)
	if status != 200 || res.BridgeID != p.BridgeID || len(res.Jobs) != 1 || res.Jobs[0].State != wire.JobQueued {
		t.Fatalf("print t5: %d %+v, want one queued job", status, res)
	}
	j := jobs[0]
	link := tableLink(t, mgr, "t5")
	if j.Kind != wire.PrintKindSticker || j.Sticker == nil || j.Sticker.URL != link.URL || j.Sticker.Table != "Table 5" || j.Sticker.StoreName != "Lotus Garden 荷花园" {
		t.Errorf("job %+v %+v, want t5's sticker with its link %s", j, j.Sticker, link.URL)
	}
	status, res = print("/api/tables/t5/print-sticker", "ps-1", 1)
	if status != 200 || len(res.Jobs) != 1 || res.Jobs[0].ID != j.ID || res.Jobs[0].State != wire.JobDuplicate {
		t.Errorf("same request again: %d %+v, want job %s answered duplicate", status, res, j.ID)
	}
	status, res = print("/api/tables/t5/print-sticker", "ps-2", 1)
	if status != 200 || res.Jobs[0].ID == j.ID || res.Jobs[0].State != wire.JobQueued {
		t.Errorf("a new request: %d %+v, want a new job", status, res)
	}

	tables := listTables(t, mgr)
	status, res = print("/api/tables/print-stickers", "ps-all", len(tables))
	if status != 200 || len(res.Jobs) != len(tables) {
		t.Fatalf("print all: %d %+v, want %d jobs", status, res, len(tables))
	}
	for i, st := range res.Jobs {
		if st.State != wire.JobQueued || !strings.HasPrefix(st.ID, "sticker-"+tables[i].ID+"-") {
			t.Errorf("print all job %d: %+v, want %s queued", i, st, tables[i].ID)
		}
	}

	resp, body = cashier.do("POST", "/api/tables/t5/print-sticker", req, key("ps-c"))
	if resp.StatusCode != 403 || errCode(t, body).Code != wire.CodeForbidden {
		t.Errorf("cashier: %d %s, want 403", resp.StatusCode, body)
	}
	resp, body = cashier.do("POST", "/api/tables/print-stickers", req, key("ps-c2"))
	if resp.StatusCode != 403 {
		t.Errorf("cashier print all: %d %s, want 403", resp.StatusCode, body)
	}
	resp, body = mgr.do("POST", "/api/tables/t5/print-sticker", req, key(""))
	if resp.StatusCode != 422 || errCode(t, body).Code != wire.CodeNeedKey {
		t.Errorf("no key: %d %s, want 422 %s", resp.StatusCode, body, wire.CodeNeedKey)
	}
	resp, body = mgr.do("POST", "/api/tables/nope/print-sticker", req, key("ps-n"))
	if resp.StatusCode != 404 {
		t.Errorf("missing table: %d %s, want 404", resp.StatusCode, body)
	}
	// No bridge named and none prints on its own: say so.
	resp, body = mgr.do("POST", "/api/tables/t5/print-sticker", nil, key("ps-auto"))
	if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(errCode(t, body).Message, "download") {
		t.Errorf("no auto-printing bridge: %d %s, want 503 suggesting the A4 stickers", resp.StatusCode, body)
	}
}
