package httpapi

import (
	"path"
	"time"

	"qrpos/internal/money"
	"qrpos/internal/wire"
	"qrpos/server/pos"
	"qrpos/server/token"
)

var pathMatch = path.Match

func storeInfo(r pos.Restaurant) wire.StoreInfo {
	return wire.StoreInfo{ID: r.ID, Name: r.Name, Address: r.Address, Currency: r.Currency, TaxInclusive: r.TaxInclusive}
}

func staffInfo(s pos.Staff) wire.StaffInfo {
	return wire.StaffInfo{ID: s.ID, Name: s.Name, Role: string(s.Role), Locked: s.Locked(), Active: s.Active}
}

func menuOut(m pos.Menu, cur string, now time.Time) wire.Menu {
	out := wire.Menu{Currency: cur, Version: m.Version, Categories: []wire.Category{}, Items: []wire.Item{}, ModifierGroups: []wire.ModifierGroup{}}
	for _, c := range m.Categories {
		out.Categories = append(out.Categories, wire.Category{ID: c.ID, Name: c.Name, Position: c.Position})
	}
	for _, it := range m.Items {
		out.Items = append(out.Items, itemOut(it, cur, now))
	}
	for _, g := range m.ModifierGroups {
		out.ModifierGroups = append(out.ModifierGroups, groupOut(g, cur))
	}
	return out
}

func itemOut(it pos.Item, cur string, now time.Time) wire.Item {
	out := wire.Item{ID: it.ID, CategoryID: it.CategoryID, Name: it.Name, Price: money.New(it.Price, cur),
		TaxRateBP: it.TaxRateBP, Available: it.Available, Position: it.Position, ModifierGroups: it.ModifierGroupIDs}
	if it.SoldOut(now) {
		out.SoldOut, out.SoldOutUntil = true, it.SoldOutUntil
	}
	if it.Photo != "" {
		out.Photo = wire.PhotoPath(it.Photo, pos.PhotoWidths[len(pos.PhotoWidths)-1])
		out.PhotoSmall = wire.PhotoPath(it.Photo, pos.PhotoWidths[0])
	}
	return out
}

func groupOut(g pos.ModifierGroup, cur string) wire.ModifierGroup {
	wg := wire.ModifierGroup{ID: g.ID, Name: g.Name, Min: g.Min, Max: g.Max, Position: g.Position, Modifiers: []wire.Modifier{}}
	for _, md := range g.Modifiers {
		wg.Modifiers = append(wg.Modifiers, wire.Modifier{ID: md.ID, Name: md.Name, Price: money.New(md.Price, cur)})
	}
	return wg
}

// orderOut renders an order with its signed e-receipt link.
func (s *Server) orderOut(o pos.Order, taxInclusive bool, tableNames map[string]string) wire.Order {
	wo := orderOut(o, taxInclusive, tableNames)
	if s.cfg.ReceiptKey != nil {
		wo.ReceiptPath = "/r/" + token.ReceiptRef(s.cfg.ReceiptKey, o.StoreID, o.ID)
	}
	return wo
}

func orderOut(o pos.Order, taxInclusive bool, tableNames map[string]string) wire.Order {
	cur := o.Currency
	m := func(v int64) money.Amount { return money.New(v, cur) }
	t := pos.ComputeTotals(o, taxInclusive)
	out := wire.Order{ID: o.ID, Number: o.Number, TableID: o.TableID, TableName: tableNames[o.TableID], Status: string(o.Status),
		Lines: []wire.Line{}, Version: o.Version, CreatedBy: o.CreatedBy, CreatedAt: o.CreatedAt, UpdatedAt: o.UpdatedAt,
		ClosedAt: o.ClosedAt, VoidReason: o.VoidReason, OpenedByDiner: o.TableID != "" && o.CreatedBy == "",
		Totals: wire.Totals{Subtotal: m(t.Subtotal), Tax: m(t.Tax), Total: m(t.Total), Paid: m(t.Paid), Due: m(t.Due), Tips: m(t.Tips)}}
	for _, l := range o.Lines {
		wl := wire.Line{ID: l.ID, ItemID: l.ItemID, Name: l.Name, UnitPrice: m(l.UnitPrice()), Qty: l.Qty, Note: l.Note,
			TaxRateBP: l.TaxRateBP, Total: m(l.Total()), Sent: l.Sent, SubmissionID: l.Submission, Pending: l.Pending}
		for _, md := range l.Modifiers {
			wl.Modifiers = append(wl.Modifiers, wire.LineModifier{ID: md.ID, Name: md.Name, Price: m(md.Price)})
		}
		out.Lines = append(out.Lines, wl)
	}
	for _, tn := range o.Tenders {
		out.Tenders = append(out.Tenders, wire.Tender{ID: tn.ID, Kind: tn.Kind, Amount: m(tn.Amount), Tendered: m(tn.Tendered),
			Change: m(tn.Change), Refunded: m(tn.Refunded), CreatedBy: tn.CreatedBy, CreatedAt: tn.CreatedAt})
	}
	return out
}
