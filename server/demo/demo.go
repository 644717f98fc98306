// Package demo seeds a new database with a demo restaurant: a menu of 20
// dishes in 4 categories priced in CNY, 8 tables, and a manager and a
// cashier whose PINs are generated at first run (never shipped in the code).
package demo

import (
	"context"
	"crypto/rand"
	"fmt"
	"math/big"
	"time"

	"qrpos/server/photo"
	"qrpos/server/pos"
)

// StoreID is the id of the demo restaurant.
const StoreID = "demo"

// Staff of the demo restaurant.
const (
	ManagerID   = "li-na"
	ManagerName = "Li Na"
	CashierID   = "wang-wei"
	CashierName = "Wang Wei"
)

// Credentials are the PINs of the seeded staff, to print at first run.
type Credentials struct {
	ManagerPIN string
	CashierPIN string
}

// Seed creates the demo restaurant unless a restaurant exists already. pins
// maps "manager" and "cashier" to fixed PINs (tests); missing ones are
// drawn at random. It reports whether it seeded.
func Seed(ctx context.Context, store pos.Store, now time.Time, params pos.PINParams, pins map[string]string) (Credentials, bool, error) {
	creds := Credentials{ManagerPIN: pins["manager"], CashierPIN: pins["cashier"]}
	if creds.ManagerPIN == "" {
		creds.ManagerPIN = randomPIN()
	}
	if creds.CashierPIN == "" {
		creds.CashierPIN = randomPIN()
	}
	// Hash outside the transaction: it is deliberately slow.
	mgrHash, cashHash := pos.HashPIN(creds.ManagerPIN, params), pos.HashPIN(creds.CashierPIN, params)
	seeded := false
	err := store.Write(ctx, func(tx pos.Tx) error {
		rs, err := tx.ListRestaurants(ctx)
		if err != nil || len(rs) > 0 {
			return err
		}
		seeded = true
		now := now.UTC().Truncate(time.Microsecond)
		if err := tx.CreateRestaurant(ctx, pos.Restaurant{ID: StoreID, Name: "Lotus Garden 荷花园", Address: "88 Riverside Road, Hangzhou",
			Currency: "CNY", TaxInclusive: true, CreatedAt: now}); err != nil {
			return err
		}
		for _, st := range []pos.Staff{
			{ID: ManagerID, Name: ManagerName, Role: pos.RoleManager, PINHash: mgrHash},
			{ID: CashierID, Name: CashierName, Role: pos.RoleCashier, PINHash: cashHash},
		} {
			st.StoreID, st.Active, st.CreatedAt = StoreID, true, now
			if err := tx.CreateStaff(ctx, st); err != nil {
				return err
			}
		}
		for i := 1; i <= 8; i++ {
			seats := 4
			if i > 6 {
				seats = 8
			}
			if err := tx.CreateTable(ctx, pos.Table{ID: fmt.Sprintf("t%d", i), StoreID: StoreID, Name: fmt.Sprintf("Table %d", i), Seats: seats, Position: i}); err != nil {
				return err
			}
		}
		groups := []pos.ModifierGroup{
			{ID: "spice", Name: "Spice level", Min: 1, Max: 1, Modifiers: []pos.Modifier{
				{ID: "spice-mild", Name: "Mild"}, {ID: "spice-medium", Name: "Medium"}, {ID: "spice-hot", Name: "Hot"}}},
			{ID: "extras", Name: "Extras", Min: 0, Max: 3, Modifiers: []pos.Modifier{
				{ID: "extra-egg", Name: "Fried egg", Price: 300}, {ID: "extra-rice", Name: "Extra rice", Price: 200}, {ID: "extra-peanuts", Name: "Extra peanuts", Price: 200}}},
			{ID: "temp", Name: "Temperature", Min: 1, Max: 1, Modifiers: []pos.Modifier{
				{ID: "temp-hot", Name: "Hot"}, {ID: "temp-iced", Name: "Iced", Price: 100}}},
			{ID: "size", Name: "Size", Min: 1, Max: 1, Modifiers: []pos.Modifier{
				{ID: "size-regular", Name: "Regular"}, {ID: "size-large", Name: "Large", Price: 600}}},
		}
		for i, g := range groups {
			g.StoreID, g.Position = StoreID, i
			for j := range g.Modifiers {
				g.Modifiers[j].Position = j
			}
			if err := tx.CreateModifierGroup(ctx, g); err != nil {
				return err
			}
		}
		cats := []struct {
			id, name string
			items    []pos.Item
		}{
			{"cold", "Cold dishes 凉菜", []pos.Item{
				{ID: "smashed-cucumber", Name: "Smashed Cucumber 拍黄瓜", Price: 1800},
				{ID: "wood-ear", Name: "Wood Ear Salad 凉拌木耳", Price: 2200},
				{ID: "saliva-chicken", Name: "Saliva Chicken 口水鸡", Price: 3800, ModifierGroupIDs: []string{"spice"}},
				{ID: "century-egg-tofu", Name: "Century Egg Tofu 皮蛋豆腐", Price: 2400},
				{ID: "drunken-shrimp", Name: "Drunken Shrimp 醉虾", Price: 5800, Available: false},
			}},
			{"hot", "Hot dishes 热菜", []pos.Item{
				{ID: "kung-pao-chicken", Name: "Kung Pao Chicken 宫保鸡丁", Price: 4200, ModifierGroupIDs: []string{"spice", "extras"}},
				{ID: "mapo-tofu", Name: "Mapo Tofu 麻婆豆腐", Price: 3200, ModifierGroupIDs: []string{"spice", "extras"}},
				{ID: "sweet-sour-pork", Name: "Sweet and Sour Pork 糖醋里脊", Price: 4800},
				{ID: "dongpo-pork", Name: "Dongpo Pork 东坡肉", Price: 6800},
				{ID: "west-lake-fish", Name: "West Lake Fish 西湖醋鱼", Price: 8800},
				{ID: "dry-fried-beans", Name: "Dry-fried Green Beans 干煸四季豆", Price: 2800, ModifierGroupIDs: []string{"spice"}},
			}},
			{"staples", "Staples 主食", []pos.Item{
				{ID: "egg-fried-rice", Name: "Egg Fried Rice 蛋炒饭", Price: 2200, ModifierGroupIDs: []string{"size", "extras"}},
				{ID: "dan-dan-noodles", Name: "Dan Dan Noodles 担担面", Price: 2600, ModifierGroupIDs: []string{"spice", "size"}},
				{ID: "pork-dumplings", Name: "Pork Dumplings 猪肉水饺", Price: 2800},
				{ID: "xiaolongbao", Name: "Xiaolongbao 小笼包", Price: 3200},
				{ID: "steamed-rice", Name: "Steamed Rice 米饭", Price: 300},
			}},
			{"drinks", "Drinks 饮品", []pos.Item{
				{ID: "jasmine-tea", Name: "Jasmine Tea 茉莉花茶", Price: 1500},
				{ID: "longjing-tea", Name: "Longjing Tea 龙井茶", Price: 3800},
				{ID: "plum-juice", Name: "Sour Plum Juice 酸梅汤", Price: 1200, ModifierGroupIDs: []string{"temp"}},
				{ID: "tsingtao", Name: "Tsingtao Beer 青岛啤酒", Price: 1500},
			}},
		}
		for ci, c := range cats {
			if err := tx.CreateCategory(ctx, pos.Category{ID: c.id, StoreID: StoreID, Name: c.name, Position: ci}); err != nil {
				return err
			}
			for ii, it := range c.items {
				it.StoreID, it.CategoryID, it.Position, it.TaxRateBP = StoreID, c.id, ii, 600
				it.Available = it.ID != "drunken-shrimp" // sold out today, to show the state
				if err := tx.CreateItem(ctx, it); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return Credentials{}, false, fmt.Errorf("demo: seed: %w", err)
	}
	return creds, seeded, nil
}

// SeedPhotos gives every dish of the demo restaurant that has no photo a
// drawn one (made here, at first run: nothing is shipped or downloaded).
// Drawing takes a moment per dish, so tests that need no photos skip it.
func SeedPhotos(ctx context.Context, store pos.Store, now time.Time) error {
	var items []pos.Item
	if err := store.Read(ctx, func(tx pos.Tx) error {
		var err error
		items, err = tx.ListItems(ctx, StoreID)
		return err
	}); err != nil {
		return fmt.Errorf("demo: photos: %w", err)
	}
	now = now.UTC().Truncate(time.Microsecond)
	for _, it := range items {
		if it.Photo != "" {
			continue
		}
		vs, err := photo.Variants(photo.Placeholder(it.Name), pos.PhotoWidths)
		if err != nil {
			return fmt.Errorf("demo: photos: %w", err)
		}
		sha := photo.PlaceholderID(it.Name)
		err = store.Write(ctx, func(tx pos.Tx) error {
			for _, v := range vs {
				if err := tx.PutMedia(ctx, pos.Media{SHA256: sha, Width: v.Width, Height: v.Height, StoreID: StoreID, Data: v.JPEG, CreatedAt: now}); err != nil {
					return err
				}
			}
			cur, err := tx.ItemByID(ctx, StoreID, it.ID)
			if err != nil {
				return err
			}
			cur.Photo = sha
			return tx.UpdateItem(ctx, cur)
		})
		if err != nil {
			return fmt.Errorf("demo: photos: %w", err)
		}
	}
	return nil
}

func randomPIN() string {
	n, _ := rand.Int(rand.Reader, big.NewInt(1_000_000))
	return fmt.Sprintf("%06d", n.Int64())
}
