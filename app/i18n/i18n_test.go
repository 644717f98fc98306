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
