// Package sqlite implements pos.Store on a SQLite database file, with the
// pure-Go driver modernc.org/sqlite.
//
// A DB holds two pools on one file: a single connection for writes, used
// by one writer goroutine so that write transactions never fail with
// SQLITE_BUSY against each other, and a read-only pool for Read
// transactions, which WAL lets run beside the writer. The schema is created
// and upgraded at Open by the embedded migrations in migrations/.
//
// # Group commit
//
// With synchronous=FULL every COMMIT waits for an fsync, which bounds a
// one-transaction-per-Write design to about one Write per fsync. The writer
// instead takes every Write call queued when it becomes free (up to
// maxBatch), runs them one after the other in one BEGIN IMMEDIATE
// transaction and commits once. A call whose fn fails is undone alone
// (see Undo without savepoints). Callers are
// answered only after the COMMIT returned, so an acknowledged Write is
// durable, and a failed COMMIT fails every call of the batch. For callers
// nothing changes: fns run serially, each sees the effects of the earlier
// ones and is atomic.
//
// # Where a write's time goes
//
// With group commit, the fsync is no longer what bounds writes: the
// writer's goroutine is, busy all the time under load. Measured on a
// wallet charge (2 cores, BenchmarkWalletCharge in server/pos): about
// 190 µs of statements, each a few µs to 30 µs (an intent's insert, with
// its five indexes and foreign keys, is the dearest), and about 60 µs of
// COMMIT, mostly writing about 80 WAL frames per batch. SQLite's C library
// through cgo is no faster here: the work is B-tree pages, not the
// driver. Two ways to take work off the writer were tried and measured,
// and not kept, because on 2 cores the work they move competes with the
// writer for the CPU: planning a charge on a read snapshot so that the
// writer only checks versions and writes (the writer's share fell by a
// fifth; throughput fell), and checkpointing from a connection of its
// own instead of inside COMMIT (no gain in throughput, mixed latency).
// What would raise the bound is fewer rows and indexes per write.
// BenchmarkChargeFloor measures the floor: the fewest rows a durable
// charge could write, with no domain logic, run about 12,500 a second on
// 2 cores (14,000 without postings rows), against about 4,300 for QRPOS's
// whole charge.
//
// # Undo without savepoints
//
// The plain way to undo one fn of a batch is a SAVEPOINT around each. But
// while a savepoint is open SQLite copies every page a statement is about
// to change into its sub-journal first, once per savepoint: a dozen pages
// per wallet charge, about 9 % of the charges a second. So fns run bare,
// and each notes the statements that may have written (journal). A fn
// that fails before it changed anything, which is how most refusals fail,
// needs no undo. A fn that fails after it wrote is undone by a ROLLBACK of
// the whole transaction, a new BEGIN, and a replay of the statements of
// the fns that succeeded before it, which, run from the same state with
// the same values, leave the same rows; the rest of that batch runs with
// a savepoint per fn, so that a batch replays once at most. A statement
// error after which SQLite may have rolled the transaction back itself (a
// full disk, I/O) is undone the same way. This holds while every
// statement writes only the values it is given: none may call random() or
// read the clock.
package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"qrpos/server/pos"
)

// busyTimeout is how long a statement waits for a lock held by another
// connection (a checkpoint, another process) before it fails.
const busyTimeout = 10 * time.Second

// maxBatch caps the Write calls that share one transaction: it bounds the
// wait of the last call of a batch and the work a failed COMMIT undoes.
const maxBatch = 256

// ErrClosed is returned by Write after Close.
var ErrClosed = errors.New("sqlite: database is closed")

// DB is a QRPOS database in one SQLite file. It implements pos.Store and is
// safe for concurrent use.
type DB struct {
	write *sql.DB // one connection, used by the writer goroutine
	read  *sql.DB // read-only connections
	// readStmts are the read pool's prepared statements.
	readStmts *stmtCache

	calls chan *writeCall // Write calls to the writer; unbuffered
	stop  chan struct{}   // closed by Close: the writer ends
	done  chan struct{}   // closed when the writer has ended

	// replays counts the batches rolled back and replayed to undo a fn
	// (see Undo without savepoints).
	replays atomic.Int64

	closeOnce sync.Once
	closeErr  error
}

// States of a writeCall.
const (
	callQueued    int32 = iota
	callRunning         // the writer started fn: the caller waits for the answer
	callAbandoned       // the caller's context ended first: fn never runs
	callAnswered        // answered before the COMMIT: fn did not run
)

// writeCall is one Write waiting for the writer.
type writeCall struct {
	ctx    context.Context
	fn     func(pos.Tx) error
	state  atomic.Int32
	err    error      // fn's error, set by the writer
	answer chan error // buffered: the writer never waits for the caller
}

var _ pos.Store = (*DB)(nil)

// Open opens the database file at path, creating it if needed, and applies
// the migrations it lacks.
func Open(ctx context.Context, path string) (*DB, error) {
	writeDSN, err := dsn(path, false)
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	readDSN, err := dsn(path, true)
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}

	w, err := sql.Open("sqlite", writeDSN)
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	// One connection that is never closed while the DB is open: writers wait
	// for it in database/sql, in order, and honour their context meanwhile.
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	if err := migrate(ctx, w); err != nil {
		w.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}

	// The read pool opens after the writer has put the file in WAL mode:
	// a read-only connection cannot change the journal mode.
	r, err := sql.Open("sqlite", readDSN)
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	n := max(4, runtime.GOMAXPROCS(0))
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	if err := r.PingContext(ctx); err != nil {
		r.Close()
		w.Close()
		return nil, fmt.Errorf("sqlite: open %s: read pool: %w", path, err)
	}
	db := &DB{write: w, read: r, readStmts: newStmtCache(r), calls: make(chan *writeCall), stop: make(chan struct{}), done: make(chan struct{})}
	go db.writer()
	return db, nil
}

// Close stops the writer, after it has answered the calls of the batch it
// is running (later Write calls fail with ErrClosed), and closes both
// pools. The write pool closes last, so that the last connection
// checkpoints the WAL into the database file.
func (db *DB) Close() error {
	db.closeOnce.Do(func() {
		close(db.stop)
		<-db.done
		db.readStmts.close()
		db.closeErr = errors.Join(db.read.Close(), db.write.Close())
	})
	return db.closeErr
}

// dsn returns the modernc.org/sqlite data source name of the file at path.
// It is a "file:" URI so that SQLite applies mode=ro to the read pool; the
// underscore parameters are read by the driver (see the Driver.Open
// documentation of modernc.org/sqlite).
func dsn(path string, readOnly bool) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busyTimeout.Milliseconds()))
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(FULL)")
	// Temporary files in memory: above all the statement and savepoint
	// journals, which every Write of a batch writes (one savepoint each).
	q.Add("_pragma", "temp_store(MEMORY)")
	if readOnly {
		q.Set("mode", "ro")
	} else {
		q.Add("_pragma", "journal_mode(WAL)")
		// The writer's page cache holds the pages every write touches
		// (the indexes' last pages, the hot rows): 64 MiB, not the 2 MiB
		// default. One connection: the readers keep the default.
		q.Add("_pragma", "cache_size(-65536)")
		q.Set("_txlock", "immediate")
	}
	return "file:" + uriPath(abs) + "?" + q.Encode(), nil
}

// uriPath escapes an absolute file path for a SQLite URI: '%', '?' and '#'
// would otherwise end or change the path.
func uriPath(abs string) string {
	p := filepath.ToSlash(abs)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // a Windows drive letter: file:/C:/...
	}
	return strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(p)
}

// Read runs fn in a read-only transaction that sees one snapshot of the
// database.
func (db *DB) Read(ctx context.Context, fn func(pos.Tx) error) error {
	stx, err := db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("sqlite: begin: %w", err)
	}
	// A no-op after Commit; otherwise it ends the transaction, also when
	// fn panics.
	defer stx.Rollback()
	if err := fn(&tx{tx: stmts{q: readTx{Tx: stx, cache: db.readStmts}}}); err != nil {
		return err
	}
	if err := stx.Commit(); err != nil {
		return fmt.Errorf("sqlite: commit: %w", err)
	}
	return nil
}

// Write runs fn in a write transaction: fns run one at a time in the order
// they were queued, each atomic (rolled back alone if it returns an error
// or panics) and seeing the effects of the earlier ones, so a
// read-modify-write inside fn cannot lose an update. Write returns once
// the transaction fn ran in is committed (see Group commit). A ctx that
// ends before fn starts makes Write return ctx.Err() without running fn;
// once fn has started, ctx is checked before each of its statements but
// does not interrupt them. fn must not call Write itself: it would wait for
// the writer that runs it.
func (db *DB) Write(ctx context.Context, fn func(pos.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	select {
	case <-db.stop:
		return ErrClosed
	default:
	}
	c := &writeCall{ctx: ctx, fn: fn, answer: make(chan error, 1)}
	select {
	case db.calls <- c:
	case <-ctx.Done():
		return ctx.Err()
	case <-db.stop:
		return ErrClosed
	}
	select {
	case err := <-c.answer:
		return err
	case <-ctx.Done():
		if c.state.CompareAndSwap(callQueued, callAbandoned) {
			return ctx.Err()
		}
		return <-c.answer // fn has started: its answer follows the COMMIT
	}
}

// idleRelease is how long the writer keeps the write connection, with its
// prepared statements, once no call comes: through the short pauses of a
// quiet till (a lone Write would otherwise parse every statement it runs
// again), but not for good, so that the pool's one connection is free for
// others (tests, maintenance) when the writer has nothing to do.
const idleRelease = time.Second

// writer runs the Write calls, a batch at a time, until Close. It keeps
// the write connection from one batch to the next, and gives it back to
// the pool after idleRelease without calls.
func (db *DB) writer() {
	defer close(db.done)
	var wc *writeConn
	defer func() { wc.release() }()
	idle := time.NewTimer(idleRelease)
	defer idle.Stop()
	buf := make([]*writeCall, 0, maxBatch)
	for {
		select {
		case <-db.stop:
			return // callers waiting to hand over their call get ErrClosed
		default:
		}
		batch := buf[:0]
		if wc == nil {
			select {
			case c := <-db.calls:
				batch = append(batch, c)
			case <-db.stop:
				return
			}
		} else {
			idle.Reset(idleRelease)
			select {
			case c := <-db.calls:
				batch = append(batch, c)
				idle.Stop()
			case <-db.stop:
				return
			case <-idle.C:
				wc.release()
				wc = nil
				continue
			}
		}
		// Take what queued up meanwhile, without waiting for more: an idle
		// writer commits a lone call at once.
	queued:
		for len(batch) < maxBatch {
			select {
			case c := <-db.calls:
				batch = append(batch, c)
			default:
				break queued
			}
		}
		for len(batch) > 0 {
			wc, batch = db.commit(wc, batch)
		}
	}
}

// commit runs calls in one transaction on wc (or on a connection it takes
// from the pool, if wc is nil) and answers them. It returns the connection
// to use next, nil if it was lost. If SQLite aborts the transaction while
// calls run (it rolls the whole transaction back after some errors, e.g. a
// full disk), the calls that ran get the error and commit returns those
// that did not run yet, for a new transaction.
func (db *DB) commit(wc *writeConn, calls []*writeCall) (*writeConn, []*writeCall) {
	// Statements run under a context that never ends: see stmts.
	ctx := context.Background()
	if wc == nil {
		conn, err := db.write.Conn(ctx)
		if err != nil {
			answerAll(calls, fmt.Errorf("sqlite: begin: %w", err))
			return nil, nil
		}
		wc = &writeConn{conn: conn, stmts: map[string]*sql.Stmt{}}
	}
	if len(wc.stmts) >= maxStmts {
		// No fn holds a statement between batches: start the cache again,
		// so that the statements in use now get prepared.
		wc.closeStmts()
	}
	if _, err := wc.ExecContext(ctx, `BEGIN IMMEDIATE`); err != nil {
		answerAll(calls, fmt.Errorf("sqlite: begin: %w", err))
		wc.drop() // whatever went wrong, a new connection starts clean
		return nil, nil
	}
	// abort ends a transaction that SQLite has rolled back, or whose state
	// is unknown, and answers the calls that ran with err.
	abort := func(ran int, err error) (*writeConn, []*writeCall) {
		if _, rerr := wc.ExecContext(ctx, `ROLLBACK`); rerr != nil && !noTransaction(rerr) {
			wc.drop()
			wc = nil
		}
		answerRan(calls[:ran], err)
		return wc, calls[ran:]
	}
	// Until a fn has to be undone, fns run without a savepoint (see Undo
	// without savepoints): each notes its statements in log, and done
	// gathers those of the fns that succeeded. After an undo, the rest of
	// the batch runs under savepoints, so that a batch replays once at most.
	log := &journal{}
	t := &tx{tx: stmts{q: wc, under: ctx, log: log}}
	var done []redo
	ran := 0 // calls[:ran] have been taken, run or not
	for _, c := range calls {
		ran++
		if !c.state.CompareAndSwap(callQueued, callRunning) {
			continue // abandoned by its caller
		}
		if err := c.ctx.Err(); err != nil {
			c.state.Store(callAnswered)
			c.answer <- err
			continue
		}
		if t.tx.log == nil {
			if err := db.runSaved(wc, t, c); err != nil {
				return abort(ran, err)
			}
			continue
		}
		log.reset()
		c.err = runFn(t, c.fn)
		if c.err == nil && !log.doubt {
			done = append(done, log.writes...)
			continue
		}
		if c.err != nil && len(log.writes) == 0 && !log.doubt && !undoesMore(c.err) {
			continue // it failed before it changed anything: nothing to undo
		}
		// Undo: roll everything back and replay the fns that succeeded
		// (this one too, if it did but a statement of it failed badly).
		if c.err == nil {
			done = append(done, log.writes...)
		}
		db.replays.Add(1)
		if _, err := wc.ExecContext(ctx, `ROLLBACK`); err != nil && !noTransaction(err) {
			return abort(ran, fmt.Errorf("sqlite: write transaction aborted: %w", err))
		}
		if _, err := wc.ExecContext(ctx, `BEGIN IMMEDIATE`); err != nil {
			return abort(ran, fmt.Errorf("sqlite: write transaction aborted: begin: %w", err))
		}
		if err := replay(ctx, wc, done); err != nil {
			return abort(ran, fmt.Errorf("sqlite: write transaction aborted: replay: %w", err))
		}
		t.tx.log, done = nil, nil
	}
	if _, err := wc.ExecContext(ctx, `COMMIT`); err != nil {
		wc, _ = abort(len(calls), fmt.Errorf("sqlite: commit: %w", err))
		return wc, nil
	}
	answerRan(calls, nil)
	return wc, nil
}

// runSaved runs c's fn inside a savepoint of its own, rolled back if fn
// fails. An error means the savepoint is gone: SQLite rolled the whole
// transaction back.
func (db *DB) runSaved(wc *writeConn, t *tx, c *writeCall) error {
	ctx := context.Background()
	if _, err := wc.ExecContext(ctx, `SAVEPOINT write`); err != nil {
		return fmt.Errorf("sqlite: savepoint: %w", err)
	}
	c.err = runFn(t, c.fn)
	var end error
	if c.err != nil {
		// Undo fn's changes; RELEASE then ends the savepoint.
		_, end = wc.ExecContext(ctx, `ROLLBACK TO write`)
	}
	if end == nil {
		_, end = wc.ExecContext(ctx, `RELEASE write`)
	}
	if end != nil {
		return fmt.Errorf("sqlite: write transaction aborted: %w", end)
	}
	return nil
}

// noTransaction reports whether err is SQLite's answer to a ROLLBACK when
// no transaction is open: SQLite rolled it back already.
func noTransaction(err error) bool {
	return err != nil && strings.Contains(err.Error(), "no transaction is active")
}

// maxStmts bounds the statements a writeConn keeps prepared. Queries
// built for a number of parameters (IN lists, postings) vary: once the
// cache is full, new ones run unprepared until the batch ends, and the
// next batch starts with an empty cache.
const maxStmts = 256

// writeConn is the write connection while the writer holds it, with the
// statements it has prepared on it. The driver parses every statement it
// is given, which is a good part of the cost of a small write; most writes
// repeat a few dozen statements, so a busy writer parses each once.
// Cached statements stay open until a batch starts with a full cache, or
// until release: a fn may hold one (a prepared INSERT of lines) while it
// runs others.
type writeConn struct {
	conn  *sql.Conn
	stmts map[string]*sql.Stmt
}

var _ querier = (*writeConn)(nil)

// stmt returns the cached statement of query, preparing it if there is
// room; nil (and no error) if there is none.
func (w *writeConn) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if st, ok := w.stmts[query]; ok {
		return st, nil
	}
	if len(w.stmts) >= maxStmts {
		return nil, nil
	}
	st, err := w.conn.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	w.stmts[query] = st
	return st, nil
}

func (w *writeConn) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	st, err := w.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	if st == nil {
		return w.conn.ExecContext(ctx, query, args...)
	}
	return st.ExecContext(ctx, args...)
}

func (w *writeConn) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	st, err := w.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	if st == nil {
		return w.conn.QueryContext(ctx, query, args...)
	}
	return st.QueryContext(ctx, args...)
}

func (w *writeConn) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	st, err := w.stmt(ctx, query)
	if err != nil || st == nil {
		// Unprepared, the query runs (or fails again) into a *sql.Row.
		return w.conn.QueryRowContext(ctx, query, args...)
	}
	return st.QueryRowContext(ctx, args...)
}

// PrepareContext prepares a statement that the caller closes: not cached.
func (w *writeConn) PrepareContext(ctx context.Context, query string) (*sql.Stmt, error) {
	return w.conn.PrepareContext(ctx, query)
}

func (w *writeConn) closeStmts() {
	for _, st := range w.stmts {
		st.Close()
	}
	clear(w.stmts)
}

// release gives the connection back to the pool. A nil w has none.
func (w *writeConn) release() {
	if w == nil {
		return
	}
	w.closeStmts()
	w.conn.Close()
}

// drop closes the connection for good, for one in a state we do not know:
// the pool opens a new one when needed.
func (w *writeConn) drop() {
	w.closeStmts()
	w.conn.Raw(func(any) error { return driver.ErrBadConn })
	w.conn.Close()
}

// runFn runs fn, turning a panic into an error so that the writer lives on.
func runFn(t *tx, fn func(pos.Tx) error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("sqlite: write panicked: %v\n%s", p, debug.Stack())
		}
	}()
	return fn(t)
}

// answerRan answers the calls the writer took and has not answered yet
// (not the abandoned ones): with err if it is set, otherwise with their
// own error.
func answerRan(calls []*writeCall, err error) {
	for _, c := range calls {
		if c.state.Load() != callRunning {
			continue
		}
		if err != nil {
			c.answer <- err
		} else {
			c.answer <- c.err
		}
	}
}

// answerAll answers, with err, every call that its caller has not
// abandoned.
func answerAll(calls []*writeCall, err error) {
	for _, c := range calls {
		if c.state.CompareAndSwap(callQueued, callRunning) || c.state.Load() == callRunning {
			c.answer <- err
		}
	}
}

// fail adds context to err and maps the driver's errors to the pos errors:
// no row is pos.ErrNotFound, a UNIQUE or PRIMARY KEY violation is
// pos.ErrConflict.
func fail(op string, err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("sqlite: %s: %w", op, pos.ErrNotFound)
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return fmt.Errorf("sqlite: %s: %w: %w", op, pos.ErrConflict, err)
		}
	}
	return fmt.Errorf("sqlite: %s: %w", op, err)
}

// micros is how times are stored: Unix microseconds, UTC.
func micros(t time.Time) int64 { return t.UnixMicro() }

func fromMicros(us int64) time.Time { return time.UnixMicro(us).UTC() }

func nullMicros(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UnixMicro()
}

func fromNullMicros(v sql.NullInt64) *time.Time {
	if !v.Valid {
		return nil
	}
	t := fromMicros(v.Int64)
	return &t
}

// nullString stores an empty optional reference (a table, a member of staff)
// as NULL, which foreign keys do not check.
func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}
