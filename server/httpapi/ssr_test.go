package httpapi_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"qrpos/app/diner"
	"qrpos/app/i18n"
	"qrpos/server/demo"
)

// TestPrerenderTables: a table link's page is the link's table with the
// menu, in the diner's language, its add buttons disabled until the
// page's script wires them, and the data the script reads; a tampered link
// is the error page (404); other pages are left to the app; rendering
// joins nobody.
func TestPrerenderTables(t *testing.T) {
	e := newEnv(t)
	mgr := e.terminal(t)
	mgr.login(demo.ManagerID, "2468")
	link := stickerLink(t, mgr, "t5")
	pr := e.api.PrerenderTables("/web/diner-ssr.js?v=1")
	get := func(path string, hdr ...string) (*http.Request, bool) {
		r := httptest.NewRequest("GET", path, nil)
		for i := 0; i+1 < len(hdr); i += 2 {
			r.Header.Set(hdr[i], hdr[i+1])
		}
		return r, true
	}

	r, _ := get("/t/"+link, "Accept-Language", "zh-CN,zh;q=0.9,en;q=0.5")
	p, ok := pr(r)
	if !ok || p.Status != 0 || p.Lang != "zh-CN" || p.Script != "/web/diner-ssr.js?v=1" {
		t.Fatalf("table page: ok=%v status=%d lang=%q script=%q", ok, p.Status, p.Lang, p.Script)
	}
	for _, want := range []string{`data-testid="page-table"`, `Table 5`, `data-item-id="smashed-cucumber"`, `菜单`, `¥18.00`} {
		if !strings.Contains(p.Root, want) {
			t.Errorf("table page lacks %s", want)
		}
	}
	if n, enabled := strings.Count(p.Root, `data-testid="diner-add"`), strings.Count(p.Root, `data-testid="diner-add"`)-strings.Count(p.Root, " disabled"); n < 20 || enabled > 0 {
		t.Errorf("table page has %d add buttons, %d not disabled; want every dish of every category, all disabled", n, enabled)
	}
	var d diner.SSRData
	if err := json.Unmarshal(p.Data, &d); err != nil {
		t.Fatal(err)
	}
	if d.Link != link || d.Lang != i18n.Zh || d.Table.Table.ID != "t5" || d.Table.TableSessionID != "" || len(d.Menu.Items) < 20 || d.Symbol != "¥" || d.Digits != 2 || d.Texts["cart"] != "购物车" {
		t.Errorf("page data = link %q lang %q table %q session %q, %d items, %q %d %v", d.Link, d.Lang, d.Table.Table.ID, d.Table.TableSessionID, len(d.Menu.Items), d.Symbol, d.Digits, d.Texts)
	}

	// The diner's choice (cookie) wins over the browser's languages.
	r, _ = get("/t/"+link, "Accept-Language", "zh-CN", "Cookie", i18n.CookieName+"=en")
	if p, _ := pr(r); p.Lang != "en" || !strings.Contains(p.Root, "Menu") {
		t.Errorf("with the English choice: lang %q", p.Lang)
	}

	bad := link[:len(link)-2] + "AA"
	if bad == link {
		bad = link[:len(link)-2] + "BB"
	}
	r, _ = get("/t/" + bad)
	if p, ok := pr(r); !ok || p.Status != http.StatusNotFound || !strings.Contains(p.Root, `data-testid="diner-link-error"`) || strings.Contains(p.Root, "diner-add") {
		t.Errorf("tampered link: ok=%v status=%d root %.200s", ok, p.Status, p.Root)
	}
	for _, path := range []string{"/", "/board", "/t/", "/t/a/b", "/p/x"} {
		r, _ = get(path)
		if _, ok := pr(r); ok {
			t.Errorf("%s is prerendered; only table links are", path)
		}
	}
	r = httptest.NewRequest("POST", "/t/"+link, nil)
	if _, ok := pr(r); ok {
		t.Error("a POST is prerendered")
	}

	// Rendering the page joined nobody: the first phone to join opens the
	// table's session.
	phone := e.terminal(t)
	if dt := phone.joinTable(link); dt.TableSessionID == "" {
		t.Fatal("join after prerendering: no session")
	}
}
