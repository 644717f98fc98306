package choice

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"qrpos/app/i18n"
	"qrpos/internal/money"
	"qrpos/internal/wire"
)

func cny(minor int64) money.Amount { return money.New(minor, "CNY") }

var (
	spice = wire.ModifierGroup{ID: "g-spice", Name: "Spice level", Min: 1, Max: 1, Modifiers: []wire.Modifier{
		{ID: "m-mild", Name: "Mild", Price: cny(0)},
		{ID: "m-medium", Name: "Medium", Price: cny(0)},
		{ID: "m-hot", Name: "Hot", Price: cny(0)},
	}}
	extras = wire.ModifierGroup{ID: "g-extras", Name: "Extras", Min: 0, Max: 2, Modifiers: []wire.Modifier{
		{ID: "m-egg", Name: "Egg", Price: cny(300)},
		{ID: "m-rice", Name: "Rice", Price: cny(200)},
		{ID: "m-tofu", Name: "Tofu", Price: cny(400)},
	}}
	sides = wire.ModifierGroup{ID: "g-sides", Name: "Sides", Min: 2, Max: 3}
)

func TestSelectionToggle(t *testing.T) {
	tests := []struct {
		name  string
		group wire.ModifierGroup
		taps  []string
		want  []string
	}{
		{"radio picks one", spice, []string{"m-mild"}, []string{"m-mild"}},
		{"radio replaces", spice, []string{"m-mild", "m-hot"}, []string{"m-hot"}},
		{"radio untaps", spice, []string{"m-hot", "m-hot"}, []string{}},
		{"multi adds", extras, []string{"m-egg", "m-rice"}, []string{"m-egg", "m-rice"}},
		{"multi refuses past max", extras, []string{"m-egg", "m-rice", "m-tofu"}, []string{"m-egg", "m-rice"}},
		{"multi untap frees a place", extras, []string{"m-egg", "m-rice", "m-egg", "m-tofu"}, []string{"m-rice", "m-tofu"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := Selection{}
			for _, m := range tt.taps {
				before := len(s[tt.group.ID])
				next := s.Toggle(tt.group, m)
				if len(s[tt.group.ID]) != before {
					t.Fatalf("Toggle changed its receiver")
				}
				s = next
			}
			got := s[tt.group.ID]
			if got == nil {
				got = []string{}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("selection (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSelectionProblem(t *testing.T) {
	groups := []wire.ModifierGroup{spice, extras}
	tests := []struct {
		name string
		sel  Selection
		want string
	}{
		{"nothing chosen", Selection{}, "Choose 1 for Spice level."},
		{"required chosen", Selection{"g-spice": {"m-hot"}}, ""},
		{"optional too", Selection{"g-spice": {"m-hot"}, "g-extras": {"m-egg"}}, ""},
		{"over max", Selection{"g-spice": {"m-hot"}, "g-extras": {"m-egg", "m-rice", "m-tofu"}}, "Choose at most 2 for Extras."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.sel.Problem(groups).In(i18n.En); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
	if got, want := (Selection{}).Problem([]wire.ModifierGroup{sides}).In(i18n.En), "Choose at least 2 for Sides."; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestSelectionIDsAndPrice(t *testing.T) {
	groups := []wire.ModifierGroup{spice, extras}
	s := Selection{"g-extras": {"m-rice", "m-egg"}, "g-spice": {"m-hot"}}
	if diff := cmp.Diff([]string{"m-hot", "m-egg", "m-rice"}, s.IDs(groups)); diff != "" {
		t.Errorf("IDs in menu order (-want +got):\n%s", diff)
	}
	item := wire.Item{ID: "kpc", Name: "Kung Pao Chicken", Price: cny(3800)}
	if got, want := s.UnitPrice(item, groups), cny(4300); got != want {
		t.Errorf("got unit price %v, want %v", got, want)
	}
}

func TestRule(t *testing.T) {
	tests := []struct {
		g    wire.ModifierGroup
		want string
	}{
		{spice, "choose 1"},
		{extras, "optional, up to 2"},
		{sides, "choose 2 to 3"},
		{wire.ModifierGroup{}, "optional"},
		{wire.ModifierGroup{Min: 1}, "choose at least 1"},
	}
	for _, tt := range tests {
		if got := Rule(tt.g).In(i18n.En); got != tt.want {
			t.Errorf("Rule(min %d max %d) = %q, want %q", tt.g.Min, tt.g.Max, got, tt.want)
		}
	}
}

func TestProblemAndRuleInChinese(t *testing.T) {
	if got, want := (Selection{}).Problem([]wire.ModifierGroup{spice}).In(i18n.Zh), "请为「Spice level」选择 1 项。"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got := (Selection{"g-spice": {"m-hot"}}).Problem([]wire.ModifierGroup{spice}); got.In(i18n.En) != "" || got.In(i18n.Zh) != "" {
		t.Errorf("a complete selection has a problem: %+v", got)
	}
	if got, want := Rule(sides).In(i18n.Zh), "选 2–3 项"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestGroups(t *testing.T) {
	m := wire.Menu{ModifierGroups: []wire.ModifierGroup{spice, extras, sides}}
	it := wire.Item{ModifierGroups: []string{"g-extras", "g-spice", "g-missing"}}
	var ids []string
	for _, g := range Groups(m, it) {
		ids = append(ids, g.ID)
	}
	if diff := cmp.Diff([]string{"g-extras", "g-spice"}, ids); diff != "" {
		t.Errorf("groups in the item's order (-want +got):\n%s", diff)
	}
}
