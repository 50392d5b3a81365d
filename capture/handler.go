// Package capture is the recipient: an http.Handler that stores every request
// durably and only then answers it.
package capture

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"gaff/internal/bytesize"
	"gaff/policy"
	"gaff/storage"
)

// DefaultMaxBody is GitHub's maximum payload size.
const DefaultMaxBody = 25 << 20

// Answer is what gaff replies to a capture: what the policy decides, or a
// refusal of capture's own.
type Answer = policy.Answer

// Config wires the handler. Only DB is required.
type Config struct {
	DB      *storage.DB
	MaxBody int64
	// Decide inspects a request before it is stored and returns the answer
	// it will get: a provider handshake, a configured response, or nil for
	// the default 200. It may fill the request's derived fields (provider,
	// signature verdict, handshake label). It must not do I/O. Nil means
	// the handler's Policy decides (see SetPolicy).
	Decide func(r *storage.Request) *Answer
	// Proxy, when set, is asked after the commit for the answer to send (the
	// forward target's response in --forward-mode proxy). On error the
	// decided answer is sent.
	Proxy func(ctx context.Context, r *storage.Request) (*Answer, error)
	// Stored is called after the commit; it must not block (forwarders queue).
	Stored func(r *storage.Request)
	Log    *slog.Logger
	// MaxInFlight bounds the body bytes held in memory before their commit
	// (DefaultMaxInFlight); BudgetWait is how long a request waits for room
	// before it is answered 503 (DefaultBudgetWait). One connection may
	// hold MaxInFlightPerConn of it (a quarter) and one remote address, or
	// IPv6 /64, MaxInFlightPerAddr (a half), unless its body is alone.
	MaxInFlight        int64
	BudgetWait         time.Duration
	MaxInFlightPerConn int64
	MaxInFlightPerAddr int64
	// A body must average MinBodyRate bytes a second (DefaultMinBodyRate;
	// negative: no minimum) once BodyGrace (DefaultBodyGrace) has passed,
	// or it is cut and answered 408.
	MinBodyRate int64
	BodyGrace   time.Duration
	// HangCap is how long a hang rule holds a connection at most
	// (DefaultHangCap).
	HangCap time.Duration
}

// Handler captures requests. It is safe for concurrent use.
type Handler struct {
	cfg Config

	lastFail atomic.Pointer[Failure]
	policy   atomic.Pointer[policy.Policy]

	mem      *budget
	shed     atomic.Int64 // 503s for want of memory
	lastShed atomic.Int64 // unix nanos of the last one logged

	states   *policy.RuleStates // for policies that bring none
	stopping chan struct{}      // closed by Stop: hangs and drips end
	stopOnce sync.Once
}

// SetPolicy replaces how gaff answers; captures already running finish with
// the policy they started with.
func (h *Handler) SetPolicy(p *policy.Policy) {
	if p == nil {
		p = &policy.Policy{}
	}
	if p.State == nil {
		// Policies built by hand (tests, callers without layers) still
		// get counting rules.
		p = p.Clone()
		p.State = h.states
	}
	h.policy.Store(p)
}

// Policy is the policy in force.
func (h *Handler) Policy() *policy.Policy { return h.policy.Load() }

// Failure is a storage error that made gaff refuse captures.
type Failure struct {
	Err   error
	Since time.Time
}

// New makes a Handler.
func New(cfg Config) *Handler {
	if cfg.MaxBody <= 0 {
		cfg.MaxBody = DefaultMaxBody
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.MaxInFlight <= 0 {
		cfg.MaxInFlight = DefaultMaxInFlight
	}
	if cfg.BudgetWait <= 0 {
		cfg.BudgetWait = DefaultBudgetWait
	}
	if cfg.MaxInFlightPerConn <= 0 {
		cfg.MaxInFlightPerConn = cfg.MaxInFlight / 4
	}
	if cfg.MaxInFlightPerAddr <= 0 {
		cfg.MaxInFlightPerAddr = cfg.MaxInFlight / 2
	}
	if cfg.MinBodyRate == 0 {
		cfg.MinBodyRate = DefaultMinBodyRate
	}
	if cfg.BodyGrace <= 0 {
		cfg.BodyGrace = DefaultBodyGrace
	}
	if cfg.HangCap <= 0 {
		cfg.HangCap = DefaultHangCap
	}
	h := &Handler{cfg: cfg, mem: newBudget(cfg.MaxInFlight, cfg.MaxInFlightPerConn, cfg.MaxInFlightPerAddr, cfg.BudgetWait),
		states: policy.NewRuleStates(policy.RandomSeed()), stopping: make(chan struct{})}
	h.SetPolicy(nil)
	return h
}

// Health reports the storage failure that is making gaff refuse captures,
// or nil once a later capture succeeded. The UI shows it.
func (h *Handler) Health() *Failure { return h.lastFail.Load() }

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rc := connFrom(r.Context())
	if rc != nil {
		defer rc.done()
	}
	req := &storage.Request{
		Summary: storage.Summary{
			Time:   time.Now(),
			Method: r.Method,
			Target: r.RequestURI,
		},
		Host:       r.Host,
		Proto:      r.Proto,
		RemoteAddr: r.RemoteAddr,
		Headers:    requestHeaders(r),
	}
	if rc != nil {
		req.Via = rc.via
	}
	body := h.mem.body(r.Context(), r.RemoteAddr)
	defer body.close()
	cut, err := h.readBody(w, r, body, req)
	if err != nil {
		h.overloaded(w, err)
		return
	}

	decide := h.cfg.Decide
	if decide == nil {
		decide = h.Policy().Decide
	}
	ans := decide(req)
	if cut != nil {
		// A body that did not arrive whole is stored as far as it came and
		// refused: a 2xx would tell the sender it was accepted.
		ans = cut
	}
	if ans == nil {
		ans = &Answer{Status: http.StatusOK}
	}
	req.Status = ans.Status
	h.noteMisbehaviour(req, ans)

	err = h.cfg.DB.InsertRequest(context.WithoutCancel(r.Context()), req)
	body.close() // stored or refused: no longer waiting in memory
	if err != nil {
		h.refuse(w, err)
		return
	}
	h.lastFail.Store(nil)
	if h.cfg.Stored != nil {
		h.cfg.Stored(req)
	}
	if h.cfg.Proxy != nil && cut == nil && ans.Label == "" && !ans.Hang && !ans.Reset {
		if pa, err := h.cfg.Proxy(r.Context(), req); err == nil && pa != nil {
			ans = pa
			if pa.Status != req.Status {
				// Best effort: the row already says what was decided first.
				_ = h.cfg.DB.SetStatus(context.WithoutCancel(r.Context()), req.ID, pa.Status)
			}
		}
	}
	h.answer(w, r, req, ans)
}

// readBody reads up to MaxBody bytes. A body over the limit or one that
// did not arrive whole is stored as far as it came, noted, and answered by
// the returned refusal (413, 400, 408). It fails only when the in-flight
// budget had no room for the body (an *overBudget).
func (h *Handler) readBody(w http.ResponseWriter, r *http.Request, body *bodyBuffer, req *storage.Request) (*Answer, error) {
	limit := h.cfg.MaxBody
	want := limit + 1 // one byte past the limit tells a body over it
	if r.ContentLength >= 0 {
		want = min(want, r.ContentLength)
	}
	var err error
	p := &pace{w: w, start: req.Time, rate: h.cfg.MinBodyRate, grace: h.cfg.BodyGrace}
	if want > 0 {
		p.watch()
	}
	for err == nil && int64(len(body.buf)) < want {
		if len(body.buf) == cap(body.buf) {
			if err := body.grow(want); err != nil {
				p.stop()
				return nil, err
			}
		}
		var n int
		n, err = r.Body.Read(body.buf[len(body.buf):cap(body.buf)])
		body.buf = body.buf[:len(body.buf)+n]
		p.got.Store(int64(len(body.buf)))
	}
	slow := p.stop()
	body.done()
	if err == io.EOF {
		err = nil
	}
	n := int64(len(body.buf))
	switch {
	case n > limit:
		req.Body = body.buf[:limit]
		req.Truncated = true
		req.Size = n
		if r.ContentLength > n {
			req.Size = r.ContentLength
		}
		req.Note = fmt.Sprintf("body over the %s limit (--max-body): first %s stored", bytesize.Format(limit), bytesize.Format(limit))
		return h.tooLarge(), nil
	case err != nil:
		req.Body = body.buf
		req.Truncated = true
		req.Size = n
		status, why := brokenBody(err, n, r.ContentLength)
		if slow {
			status, why = http.StatusRequestTimeout, p.why(n)
		}
		req.Note = why
		return plainAnswer(status, "gaff: "+why+"; what arrived was stored.\n"), nil
	}
	req.Body = body.buf
	req.Size = n
	return nil, nil
}

// brokenBody says why a body did not arrive whole, and the status that
// tells the sender so.
func brokenBody(err error, got, declared int64) (int, string) {
	var ne net.Error
	switch {
	case errors.As(err, &ne) && ne.Timeout(), errors.Is(err, os.ErrDeadlineExceeded):
		return http.StatusRequestTimeout, fmt.Sprintf("the body did not arrive within the read timeout (%s of it came)", bytesize.Format(got))
	case errors.Is(err, io.ErrUnexpectedEOF) && declared > 0:
		return http.StatusBadRequest, fmt.Sprintf("the sender closed the connection after %s of a %s body", bytesize.Format(got), bytesize.Format(declared))
	case errors.Is(err, io.ErrUnexpectedEOF):
		return http.StatusBadRequest, fmt.Sprintf("the sender closed the connection after %s, before the last chunk", bytesize.Format(got))
	}
	return http.StatusBadRequest, fmt.Sprintf("the body is malformed after %s: %v", bytesize.Format(got), err)
}

func plainAnswer(status int, msg string) *Answer {
	return &Answer{
		Status: status,
		Header: storage.Headers{{Name: "Content-Type", Value: "text/plain; charset=utf-8"}, {Name: "Connection", Value: "close"}},
		Body:   []byte(msg),
	}
}

func (h *Handler) tooLarge() *Answer {
	return plainAnswer(http.StatusRequestEntityTooLarge, fmt.Sprintf("gaff: request body is larger than the %s limit; the first %s were stored. Raise the limit with --max-body.\n",
		bytesize.Format(h.cfg.MaxBody), bytesize.Format(h.cfg.MaxBody)))
}

// refuse answers 503 when the capture could not be stored: a sender that
// gets 2xx must be able to trust the request was kept.
func (h *Handler) refuse(w http.ResponseWriter, err error) {
	if h.lastFail.Load() == nil {
		h.lastFail.Store(&Failure{Err: err, Since: time.Now()})
	}
	h.cfg.Log.Error("capture not stored", "err", err)
	retry := "5"
	why := "gaff could not store this request"
	switch {
	case errors.Is(err, storage.ErrFull):
		retry, why = "30", "gaff could not store this request: its disk is full"
	case errors.Is(err, storage.ErrBusy):
		why = "gaff could not store this request: its database is locked by another program"
	case errors.Is(err, storage.ErrClosed):
		why = "gaff is shutting down"
	}
	w.Header().Set("Retry-After", retry)
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Connection", "close")
	w.WriteHeader(http.StatusServiceUnavailable)
	io.WriteString(w, why+"; retry later.\n")
}

// overloaded answers 503 when bodies in flight already hold the room the
// in-flight budget allows (all of it, or this sender's share): the sender
// retries later instead of gaff's memory growing without bound. Nothing
// was stored; nothing was promised.
func (h *Handler) overloaded(w http.ResponseWriter, err error) {
	no, ok := err.(*overBudget)
	if !ok {
		no = &overBudget{cause: budgetFull, limit: h.cfg.MaxInFlight}
	}
	retry, why := no.explain(h.cfg.MinBodyRate, h.cfg.BodyGrace)
	n := h.shed.Add(1)
	// One log line a second at most: a flood must not flood the log too.
	now := time.Now().UnixNano()
	if last := h.lastShed.Load(); now-last > int64(time.Second) && h.lastShed.CompareAndSwap(last, now) {
		h.cfg.Log.Warn("capture refused: overloaded", "why", why, "refused_so_far", n)
	}
	w.Header().Set("Retry-After", strconv.Itoa(retry))
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Connection", "close")
	w.WriteHeader(http.StatusServiceUnavailable)
	io.WriteString(w, why+"; retry after "+strconv.Itoa(retry)+" s.\n")
}

// Overloaded is how many requests were answered 503 because the in-flight
// budget was spent.
func (h *Handler) Overloaded() int64 { return h.shed.Load() }

func (h *Handler) answer(w http.ResponseWriter, r *http.Request, req *storage.Request, a *Answer) {
	if a.Delay > 0 {
		extend(w, a.Delay)
		if !h.wait(r, a.Delay) {
			return
		}
	}
	switch {
	case a.Reset:
		abort()
	case a.Hang:
		h.hang(w, r)
		abort()
	}
	hdr := w.Header()
	for _, x := range a.Header {
		hdr.Add(x.Name, x.Value)
	}
	body := a.Body
	if a.Status == http.StatusOK && a.Body == nil && len(a.Header) == 0 {
		hdr.Set("Content-Type", "application/json")
		body = []byte(`{"ok":true,"gaff_id":` + strconv.FormatInt(req.ID, 10) + "}\n")
	}
	// Handshakes must not be chunked (docs/providers.md, each provider's
	// handshake): always a length. An empty body that drips is the one
	// exception: a length of 0 would end the answer at once, so it goes
	// chunked and its end comes when the drip does.
	if a.Drip == 0 || len(body) > 0 {
		hdr.Set("Content-Length", strconv.Itoa(len(body)))
	}
	w.WriteHeader(a.Status)
	if a.Drip > 0 {
		h.drip(w, r, body, a.Drip)
		return
	}
	w.Write(body)
}
