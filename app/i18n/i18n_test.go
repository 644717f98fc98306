package i18n

import "testing"

func TestMatch(t *testing.T) {
	tests := []struct {
		tags []string
		want Lang
	}{
		{nil, En},
		{[]string{"zh-CN"}, Zh},
		{[]string{"ZH"}, Zh},
		{[]string{"zh-Hant-TW", "en"}, Zh},
		{[]string{"en-GB", "zh-CN"}, En},
		{[]string{"fr-FR", "zh-CN", "en"}, Zh},
		{[]string{"fr-FR", "de"}, En},
		{[]string{"zhx"}, En},
	}
	for _, tt := range tests {
		if got := Match(tt.tags); got != tt.want {
			t.Errorf("Match(%q) = %q, want %q", tt.tags, got, tt.want)
		}
	}
}

func TestText(t *testing.T) {
	add := Text{En: "Add", Zh: "加入"}
	if got := add.In(Zh); got != "加入" {
		t.Errorf("In(Zh) = %q", got)
	}
	if got := add.In(En); got != "Add" {
		t.Errorf("In(En) = %q", got)
	}
	if got := (Text{En: "Only English"}).In(Zh); got != "Only English" {
		t.Errorf("missing Chinese falls back to English, got %q", got)
	}
	if _, ok := Parse("fr"); ok {
		t.Error("Parse(fr) accepted")
	}
}

func TestForRequest(t *testing.T) {
	for _, c := range []struct {
		cookie, accept string
		want           Lang
	}{
		{"", "", En},
		{"", "zh-CN,zh;q=0.9,en;q=0.8", Zh},
		{"", "en-GB,en;q=0.9,zh-CN;q=0.8", En},
		{"", "fr-FR, fr;q=0.9, zh-TW;q=0.5", Zh},
		{"", "*", En},
		{"zh", "en-US", Zh},
		{"en", "zh-CN", En},
		{"de", "zh-CN", Zh}, // not a language we have: the header decides
	} {
		if got := ForRequest(c.cookie, c.accept); got != c.want {
			t.Errorf("ForRequest(%q, %q) = %q, want %q", c.cookie, c.accept, got, c.want)
		}
	}
}
