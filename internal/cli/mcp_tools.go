package cli

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"
	"unicode/utf8"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"gaff/diff"
	"gaff/export"
	"gaff/provider"
	"gaff/send"
	"gaff/storage"
)

// Bounds on what an agent may ask for: a page of results and a wait that
// ends, so one call never holds the server or the agent forever.
const (
	mcpDefaultLimit = 20
	mcpMaxLimit     = 200
	mcpDefaultWait  = 30 * time.Second
	mcpMaxWait      = 10 * time.Minute
	mcpPoll         = 200 * time.Millisecond
	mcpMaxChanges   = 500
)

type searchArgs struct {
	Query string `json:"query,omitempty" jsonschema:"gaff search, as gaff list --search: words, method:POST status:4xx path:/github* provider:stripe event:pull_request.* header:X-GitHub-Event=push sig:invalid since:10m; empty for all"`
	Limit int    `json:"limit,omitempty" jsonschema:"how many captures, newest first (default 20, at most 200)"`
}

type idArgs struct {
	ID int64 `json:"id" jsonschema:"the capture id"`
}

type waitArgs struct {
	Query          string  `json:"query,omitempty" jsonschema:"only a capture matching this gaff search (see search_captures); empty for any"`
	TimeoutSeconds float64 `json:"timeout_seconds,omitempty" jsonschema:"how long to wait (default 30, at most 600)"`
	AfterID        int64   `json:"after_id,omitempty" jsonschema:"take the first match with an id above this one, even if it arrived before the call: pass the newest id search_captures showed before you triggered the webhook; default: only captures arriving after the call"`
}

type replayArgs struct {
	ID             int64   `json:"id" jsonschema:"the capture to send again"`
	To             string  `json:"to,omitempty" jsonschema:"base URL to send to (its path is a prefix of the capture's); default: the remembered --forward-to target"`
	Resign         bool    `json:"resign,omitempty" jsonschema:"sign it again with a fresh timestamp, with the secret saved in gaff or GAFF_SECRET_<PROVIDER>"`
	TimeoutSeconds float64 `json:"timeout_seconds,omitempty" jsonschema:"how long to wait for the answer (default 30, at most 600)"`
}

type sendArgs struct {
	Event          string  `json:"event" jsonschema:"event template, as gaff send --list-events shows: github.push, stripe.customer.created, …"`
	To             string  `json:"to" jsonschema:"URL to send to"`
	Scheme         string  `json:"scheme,omitempty" jsonschema:"sign as this scheme (default: the event's own; none to send unsigned)"`
	Secret         string  `json:"secret,omitempty" jsonschema:"the secret the handler checks the signature with"`
	Type           string  `json:"type,omitempty" jsonschema:"event type for the header GitHub and Shopify receivers need"`
	TimeoutSeconds float64 `json:"timeout_seconds,omitempty" jsonschema:"how long to wait for the answer (default 15, at most 600)"`
}

type diffArgs struct {
	A      int64    `json:"a" jsonschema:"the first capture id"`
	B      int64    `json:"b" jsonschema:"the second capture id"`
	Ignore []string `json:"ignore,omitempty" jsonschema:"paths to leave out: .data.object.id, headers.Date, query.ts, form.token; [] for any array index (.items[].id)"`
}

func (s *mcpServer) addTools(srv *mcp.Server) {
	readOnly := &mcp.ToolAnnotations{ReadOnlyHint: true}
	mcp.AddTool(srv, &mcp.Tool{Name: "search_captures", Annotations: readOnly,
		Description: "List captured webhooks, newest first, that match a gaff search: id, time, method, path, status, provider, event, signature verdict."}, s.search)
	mcp.AddTool(srv, &mcp.Tool{Name: "get_capture", Annotations: readOnly,
		Description: "One capture whole, as gaff show --json prints it: method, path, query, headers, body (or body_base64), provider, event, signature verdict."}, s.get)
	mcp.AddTool(srv, &mcp.Tool{Name: "wait_for_capture", Annotations: readOnly,
		Description: "Wait for the next webhook captured after this call (or after capture after_id, when you triggered it first) that matches a gaff search, and return it whole; says so when none arrives in time."}, s.wait)
	mcp.AddTool(srv, &mcp.Tool{Name: "replay_capture",
		Description: "Send a capture again, byte for byte, to a URL (e.g. your local handler) and return the answer; recorded as a delivery, as gaff replay does."}, s.replay)
	mcp.AddTool(srv, &mcp.Tool{Name: "send_test_event",
		Description: "Send a signed sample event (as gaff send --event E --scheme S --secret X --to URL) and return the answer; recorded as a delivery."}, s.sendEvent)
	mcp.AddTool(srv, &mcp.Tool{Name: "diff_captures", Annotations: readOnly,
		Description: "Compare two captures field by field: method, path, query, headers, and the body (JSON by key and array position). Each change names a path that ignore accepts."}, s.diff)
}

// captureSummary is search_captures' row: enough to choose, not the body.
type captureSummary struct {
	ID          int64     `json:"id"`
	Time        time.Time `json:"time"`
	Method      string    `json:"method"`
	Path        string    `json:"path"`
	Query       string    `json:"query,omitempty"`
	Status      int       `json:"status"`
	Size        int64     `json:"size"`
	Provider    string    `json:"provider,omitempty"`
	Event       string    `json:"event,omitempty"`
	Signature   string    `json:"signature,omitempty"`
	DuplicateOf int64     `json:"duplicate_of,omitempty"`
}

type searchResult struct {
	Captures []captureSummary `json:"captures"`
	More     bool             `json:"more"` // past the limit
	Note     string           `json:"note,omitempty"`
}

func (s *mcpServer) search(ctx context.Context, _ *mcp.CallToolRequest, in searchArgs) (*mcp.CallToolResult, any, error) {
	limit := in.Limit
	if limit <= 0 {
		limit = mcpDefaultLimit
	}
	limit = min(limit, mcpMaxLimit)
	q, err := storage.ParseQuery(in.Query)
	if err != nil {
		return nil, nil, fmt.Errorf("query: %w", err)
	}
	db, err := s.read()
	if err != nil {
		return nil, nil, err
	}
	rows, err := db.ListRequests(ctx, storage.Page{Limit: limit + 1, Query: q})
	if err != nil {
		return nil, nil, err
	}
	out := searchResult{Captures: []captureSummary{}, More: len(rows) > limit}
	for _, r := range rows[:min(len(rows), limit)] {
		out.Captures = append(out.Captures, captureSummary{ID: r.ID, Time: r.Time.UTC(), Method: r.Method, Path: r.Path(),
			Query: r.RawQuery(), Status: r.Status, Size: r.Size, Provider: r.Provider, Event: r.Event,
			Signature: r.Signature, DuplicateOf: r.DuplicateOf})
	}
	out.Note = unsearched(ctx, db, q)
	return nil, out, nil
}

func (s *mcpServer) get(ctx context.Context, _ *mcp.CallToolRequest, in idArgs) (*mcp.CallToolResult, any, error) {
	r, err := s.capture(ctx, in.ID)
	if err != nil {
		return nil, nil, err
	}
	return nil, json.RawMessage(export.JSON(r)), nil
}

func (s *mcpServer) capture(ctx context.Context, id int64) (*storage.Request, error) {
	db, err := s.read()
	if err != nil {
		return nil, err
	}
	r, err := db.GetRequest(ctx, id)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, fmt.Errorf("no capture %d; search_captures lists them", id)
	}
	return r, err
}

type waitResult struct {
	TimedOut bool            `json:"timed_out"`
	Capture  json.RawMessage `json:"capture,omitempty"`
	Message  string          `json:"message,omitempty"`
}

// wait polls the database: the captures come from another process, the
// gaff that listens, so there is no in-process feed to follow. A poll is
// one indexed seek past the newest id.
func (s *mcpServer) wait(ctx context.Context, _ *mcp.CallToolRequest, in waitArgs) (*mcp.CallToolResult, any, error) {
	timeout, err := boundedSeconds(in.TimeoutSeconds, mcpDefaultWait)
	if err != nil {
		return nil, nil, err
	}
	if in.AfterID < 0 {
		return nil, nil, fmt.Errorf("after_id %d: give a capture id (search_captures lists them), or leave it out to wait for the next one", in.AfterID)
	}
	q, err := storage.ParseQuery(in.Query)
	if err != nil {
		return nil, nil, fmt.Errorf("query: %w", err)
	}
	db, err := s.read()
	if err != nil {
		return nil, nil, err
	}
	// An agent runs one tool at a time, so it often triggers the webhook
	// before it can wait: after_id lets a capture from in between count.
	after := in.AfterID
	if after == 0 {
		newest, err := db.ListRequests(ctx, storage.Page{Limit: 1})
		if err != nil {
			return nil, nil, err
		}
		if len(newest) > 0 {
			after = newest[0].ID
		}
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	tick := time.NewTicker(mcpPoll)
	defer tick.Stop()
	for {
		rows, err := db.ListRequests(ctx, storage.Page{After: after, Oldest: after == 0, Limit: 1, Query: q})
		if err == nil && len(rows) > 0 {
			r, err := db.GetRequest(ctx, rows[0].ID)
			if err != nil {
				return nil, nil, err
			}
			return nil, waitResult{Capture: export.JSON(r)}, nil
		}
		if err != nil && ctx.Err() == nil {
			return nil, nil, err
		}
		select {
		case <-ctx.Done():
			if errors.Is(ctx.Err(), context.DeadlineExceeded) {
				return nil, waitResult{TimedOut: true, Message: fmt.Sprintf("no matching capture arrived in %s", timeout)}, nil
			}
			return nil, nil, ctx.Err()
		case <-tick.C:
		}
	}
}

// boundedSeconds reads a timeout argument: def when absent, refused when
// negative or past mcpMaxWait.
func boundedSeconds(sec float64, def time.Duration) (time.Duration, error) {
	switch {
	case sec == 0:
		return def, nil
	case sec < 0 || sec > mcpMaxWait.Seconds():
		return 0, fmt.Errorf("timeout_seconds %g: give 1 to %d", sec, int(mcpMaxWait.Seconds()))
	}
	return time.Duration(sec * float64(time.Second)), nil
}

// deliveryResult is an attempt as an agent reads it.
type deliveryResult struct {
	DeliveryID         int64               `json:"delivery_id"`
	Method             string              `json:"method"`
	URL                string              `json:"url"`
	Status             int                 `json:"status"` // 0: no answer, see error
	Error              string              `json:"error,omitempty"`
	DurationMS         int64               `json:"duration_ms"`
	ResponseHeaders    map[string][]string `json:"response_headers,omitempty"`
	ResponseBody       string              `json:"response_body,omitempty"`
	ResponseBodyBase64 string              `json:"response_body_base64,omitempty"`
	ResponseTruncated  bool                `json:"response_truncated,omitempty"`
}

func deliveryJSON(d *storage.Delivery) deliveryResult {
	out := deliveryResult{DeliveryID: d.ID, Method: d.Method, URL: send.RedactURL(d.URL), Status: d.Status, Error: d.Error,
		DurationMS: d.Duration.Milliseconds(), ResponseTruncated: d.RespTruncated}
	if len(d.RespHeaders) > 0 {
		out.ResponseHeaders = d.RespHeaders.HTTP()
	}
	if utf8.Valid(d.RespBody) {
		out.ResponseBody = string(d.RespBody)
	} else {
		out.ResponseBodyBase64 = base64.StdEncoding.EncodeToString(d.RespBody)
	}
	return out
}

func (s *mcpServer) replay(ctx context.Context, _ *mcp.CallToolRequest, in replayArgs) (*mcp.CallToolResult, any, error) {
	timeout, err := boundedSeconds(in.TimeoutSeconds, send.DefaultTimeout)
	if err != nil {
		return nil, nil, err
	}
	if in.To != "" {
		if _, err := send.ParseTarget(in.To); err != nil {
			return nil, nil, fmt.Errorf("to: %w", err)
		}
	}
	overrides, err := (&policyFlags{}).parse() // GAFF_SECRET_* from the environment
	if err != nil {
		return nil, nil, err
	}
	d, err := replayOnce(ctx, s.dbf, in.ID, in.To, timeout, in.Resign, overrides)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, nil, fmt.Errorf("no capture %d; search_captures lists them", in.ID)
	}
	if err != nil {
		return nil, nil, err
	}
	return nil, deliveryJSON(d), nil
}

func (s *mcpServer) sendEvent(ctx context.Context, _ *mcp.CallToolRequest, in sendArgs) (*mcp.CallToolResult, any, error) {
	timeout, err := boundedSeconds(in.TimeoutSeconds, storage.DefaultSubscriptionTimeout)
	if err != nil {
		return nil, nil, err
	}
	if _, err := send.ParseTarget(in.To); err != nil {
		return nil, nil, fmt.Errorf("to: %w", err)
	}
	if in.Event == "" {
		return nil, nil, errors.New("event: name a template, as gaff send --list-events shows (github.push, stripe.customer.created, …)")
	}
	pf := payloadFlags{event: in.Event}
	p, tmpl, err := pf.payload(nil)
	if err != nil {
		return nil, nil, err
	}
	scheme := in.Scheme
	if scheme == "" {
		scheme = tmpl.Scheme
	}
	if scheme != provider.SchemeNone && in.Secret == "" {
		// chooseSecret's own words name command-line flags.
		return nil, nil, fmt.Errorf("scheme %s signs %s with a secret: give secret (what your handler checks the signature with), or scheme \"none\" to send it unsigned", scheme, tmpl.Name)
	}
	key, err := chooseSecret(os.Stderr, scheme, in.Secret, false, tmpl)
	if err != nil {
		return nil, nil, err
	}
	if p.Headers, err = send.WithEventHeaders(p.Headers, scheme, in.Type); err != nil {
		return nil, nil, fmt.Errorf("scheme %s: %w", scheme, err)
	}
	d := send.SendOnce(ctx, send.NewClient(timeout), in.To, p.Method, p.Headers, p.Body, scheme, key)
	storeSent(ctx, s.dbf, d, os.Stderr)
	return nil, deliveryJSON(d), nil
}

type diffResult struct {
	Equal   bool          `json:"equal"`
	Changes []diff.Change `json:"changes"`
	More    int           `json:"more,omitempty"` // changes left out past the bound
}

func (s *mcpServer) diff(ctx context.Context, _ *mcp.CallToolRequest, in diffArgs) (*mcp.CallToolResult, any, error) {
	opt := diff.Options{Ignore: in.Ignore}
	if err := opt.Check(); err != nil {
		return nil, nil, err
	}
	a, err := s.capture(ctx, in.A)
	if err != nil {
		return nil, nil, err
	}
	b, err := s.capture(ctx, in.B)
	if err != nil {
		return nil, nil, err
	}
	changes := diff.Requests(a, b, opt)
	out := diffResult{Equal: len(changes) == 0, Changes: changes[:min(len(changes), mcpMaxChanges)]}
	out.More = len(changes) - len(out.Changes)
	if out.Changes == nil {
		out.Changes = []diff.Change{}
	}
	return nil, out, nil
}
