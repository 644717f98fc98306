package cashier

import (
	"slices"
	"strconv"

	"qrpos/internal/money"
	"qrpos/internal/wire"
)

// Selection is the modifiers chosen for an item being added: modifier ids by
// group id.
type Selection map[string][]string

// Toggle chooses or un-chooses modifier mod of group g and returns the new
// selection (s is not changed). A group with Max 1 behaves like radio
// buttons; a group at its Max refuses more choices.
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
		// Full: the cashier must un-choose one first.
	default:
		out[g.ID] = append(cur, mod)
	}
	return out
}

// Chosen reports whether mod of group g is chosen.
func (s Selection) Chosen(g, mod string) bool { return slices.Contains(s[g], mod) }

// Problem says what keeps the selection from being added, or "" when every
// group has between Min and Max choices.
func (s Selection) Problem(groups []wire.ModifierGroup) string {
	for _, g := range groups {
		n := len(s[g.ID])
		switch {
		case n < g.Min && g.Min == g.Max:
			return "Choose " + strconv.Itoa(g.Min) + " for " + g.Name + "."
		case n < g.Min:
			return "Choose at least " + strconv.Itoa(g.Min) + " for " + g.Name + "."
		case g.Max > 0 && n > g.Max:
			return "Choose at most " + strconv.Itoa(g.Max) + " for " + g.Name + "."
		}
	}
	return ""
}

// IDs returns the chosen modifier ids in menu order.
func (s Selection) IDs(groups []wire.ModifierGroup) []string {
	var ids []string
	for _, g := range groups {
		for _, m := range g.Modifiers {
			if s.Chosen(g.ID, m.ID) {
				ids = append(ids, m.ID)
			}
		}
	}
	return ids
}

// UnitPrice is the item's price plus the chosen modifiers' prices.
func (s Selection) UnitPrice(item wire.Item, groups []wire.ModifierGroup) money.Amount {
	p := item.Price
	for _, g := range groups {
		for _, m := range g.Modifiers {
			if s.Chosen(g.ID, m.ID) && m.Price.Currency == p.Currency {
				p.Minor += m.Price.Minor
			}
		}
	}
	return p
}

// Rule describes a group's limits for the cashier.
func Rule(g wire.ModifierGroup) string {
	switch {
	case g.Min == 0 && g.Max == 0:
		return "optional"
	case g.Min == 0:
		return "optional, up to " + strconv.Itoa(g.Max)
	case g.Min == g.Max:
		return "choose " + strconv.Itoa(g.Min)
	case g.Max == 0:
		return "choose at least " + strconv.Itoa(g.Min)
	}
	return "choose " + strconv.Itoa(g.Min) + " to " + strconv.Itoa(g.Max)
}

// itemGroups returns the modifier groups of item, in the item's order.
func itemGroups(m wire.Menu, item wire.Item) []wire.ModifierGroup {
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
