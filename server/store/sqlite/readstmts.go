package sqlite

import (
	"context"
	"database/sql"
	"sync"
)

// stmtCache holds the read pool's prepared statements, by query. The
// driver parses every statement it is given; a read pool that is always
// busy would spend much of its time parsing the same few dozen queries
// again. A statement of the cache is prepared on one connection at first
// and, through Tx.StmtContext, once on every other connection that runs
// it; database/sql keeps each connection's copy until the pool closes the
// connection.
type stmtCache struct {
	db *sql.DB

	mu        sync.Mutex
	stmts     map[string]*sql.Stmt
	preparing map[string]bool
	closed    bool
	wg        sync.WaitGroup // background preparations
}

func newStmtCache(db *sql.DB) *stmtCache {
	return &stmtCache{db: db, stmts: map[string]*sql.Stmt{}, preparing: map[string]bool{}}
}

// get returns the statement of query, or nil if it is not prepared yet.
// A miss starts preparing it in the background: the caller holds a
// connection of the pool (its transaction), and preparing on the pool
// while every connection is held so would wait for ever.
func (c *stmtCache) get(query string) *sql.Stmt {
	c.mu.Lock()
	defer c.mu.Unlock()
	if st, ok := c.stmts[query]; ok {
		return st
	}
	// Queries built for a number of parameters vary: past maxStmts they
	// run unprepared.
	if c.closed || c.preparing[query] || len(c.stmts)+len(c.preparing) >= maxStmts {
		return nil
	}
	c.preparing[query] = true
	c.wg.Add(1)
	go c.prepare(query)
	return nil
}

func (c *stmtCache) prepare(query string) {
	defer c.wg.Done()
	st, err := c.db.PrepareContext(context.Background(), query)
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.preparing, query)
	if err != nil {
		return // the query fails unprepared too, and says why there
	}
	if c.closed {
		st.Close()
		return
	}
	c.stmts[query] = st
}

// close closes every statement, once the background preparations are
// done; get prepares nothing more.
func (c *stmtCache) close() {
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
	c.wg.Wait()
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, st := range c.stmts {
		st.Close()
	}
	clear(c.stmts)
}

// readTx is a Read transaction whose queries run prepared when the cache
// has them.
type readTx struct {
	*sql.Tx
	cache *stmtCache
}

var _ querier = readTx{}

func (r readTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := r.cache.get(query); st != nil {
		return r.Tx.StmtContext(ctx, st).QueryContext(ctx, args...)
	}
	return r.Tx.QueryContext(ctx, query, args...)
}

func (r readTx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := r.cache.get(query); st != nil {
		return r.Tx.StmtContext(ctx, st).QueryRowContext(ctx, args...)
	}
	return r.Tx.QueryRowContext(ctx, query, args...)
}
