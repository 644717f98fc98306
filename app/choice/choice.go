// Package choice is how a dish's options are chosen, the same on the
// cashier's tablet and on the diner's phone: a Selection of modifiers per
// group that respects each group's Min and Max, the price it makes, and
// the words that explain a group's rule or what is still missing, in
// Chinese and English.
package choice

import (
	"slices"
	"strconv"

	"qrpos/app/i18n"
	"qrpos/internal/money"
	"qrpos/internal/wire"
)

// Selection is the modifiers chosen for a dish: modifier ids by group id.
type Selection map[string][]string

// Toggle chooses or un-chooses modifier mod of group g and returns the new
// selection (s is not changed). A group with Max 1 behaves like radio
// buttons; a group at its Max refuses more choices until one is un-chosen.
func (s Selection) Toggle(g wire.ModifierGroup, mod string) Selection {
	out := make(Selection, len(s)+1)
	for k, v := range s {
		out[k] = slices.Clone(v)
	}
	cur := out[g.ID]
	if i := slices.Index(cur, mod); i >= 0 {
		out[g.ID] = slices.Delete(cur, i, i+1)
		return out
	}
	switch {
	case g.Max == 1:
		out[g.ID] = []string{mod}
	case g.Max > 0 && len(cur) >= g.Max:
	default:
		out[g.ID] = append(cur, mod)
	}
	return out
}

// Chosen reports whether mod of group g is chosen.
func (s Selection) Chosen(g, mod string) bool { return slices.Contains(s[g], mod) }

// Problem says what keeps the selection from being added: the zero Text
// (empty in every language) when every group has between Min and Max
// choices.
func (s Selection) Problem(groups []wire.ModifierGroup) i18n.Text {
	for _, g := range groups {
		n := len(s[g.ID])
		lo, hi := strconv.Itoa(g.Min), strconv.Itoa(g.Max)
		switch {
		case n < g.Min && g.Min == g.Max:
			return i18n.Text{En: "Choose " + lo + " for " + g.Name + ".", Zh: "请为「" + g.Name + "」选择 " + lo + " 项。"}
		case n < g.Min:
			return i18n.Text{En: "Choose at least " + lo + " for " + g.Name + ".", Zh: "请为「" + g.Name + "」至少选择 " + lo + " 项。"}
		case g.Max > 0 && n > g.Max:
			return i18n.Text{En: "Choose at most " + hi + " for " + g.Name + ".", Zh: "「" + g.Name + "」最多选 " + hi + " 项。"}
		}
	}
	return i18n.Text{}
}

// Modifiers returns the chosen modifiers in menu order.
func (s Selection) Modifiers(groups []wire.ModifierGroup) []wire.Modifier {
	var out []wire.Modifier
	for _, g := range groups {
		for _, m := range g.Modifiers {
			if s.Chosen(g.ID, m.ID) {
				out = append(out, m)
			}
		}
	}
	return out
}

// IDs returns the chosen modifier ids in menu order.
func (s Selection) IDs(groups []wire.ModifierGroup) []string {
	var ids []string
	for _, m := range s.Modifiers(groups) {
		ids = append(ids, m.ID)
	}
	return ids
}

// UnitPrice is the item's price plus the chosen modifiers' prices.
func (s Selection) UnitPrice(item wire.Item, groups []wire.ModifierGroup) money.Amount {
	p := item.Price
	for _, m := range s.Modifiers(groups) {
		if m.Price.Currency == p.Currency {
			p.Minor += m.Price.Minor
		}
	}
	return p
}

// Rule describes a group's limits, e.g. "choose 1" or "optional, up to 2".
func Rule(g wire.ModifierGroup) i18n.Text {
	lo, hi := strconv.Itoa(g.Min), strconv.Itoa(g.Max)
	switch {
	case g.Min == 0 && g.Max == 0:
		return i18n.Text{En: "optional", Zh: "可选"}
	case g.Min == 0:
		return i18n.Text{En: "optional, up to " + hi, Zh: "可选，最多 " + hi + " 项"}
	case g.Min == g.Max:
		return i18n.Text{En: "choose " + lo, Zh: "必选 " + lo + " 项"}
	case g.Max == 0:
		return i18n.Text{En: "choose at least " + lo, Zh: "至少选 " + lo + " 项"}
	}
	return i18n.Text{En: "choose " + lo + " to " + hi, Zh: "选 " + lo + "–" + hi + " 项"}
}

// Groups returns the modifier groups of item, in the item's order.
func Groups(m wire.Menu, item wire.Item) []wire.ModifierGroup {
	var out []wire.ModifierGroup
	for _, id := range item.ModifierGroups {
		for _, g := range m.ModifierGroups {
			if g.ID == id {
				out = append(out, g)
			}
		}
	}
	return out
}
