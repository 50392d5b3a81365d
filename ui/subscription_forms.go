package ui

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"gaff/internal/bytesize"
	"gaff/provider"
	"gaff/sanitize"
	"gaff/send"
	"gaff/storage"
)

// The forms of the subscriptions screen: a subscription to create or edit,
// and an event to fire, picked, then edited before it goes.

// subscriptionForm creates (sub nil) or edits a subscription.
func (s *subsScreen) subscriptionForm(sub *storage.Subscription) *form {
	// A new subscription leaves the timeout empty: it takes the retry
	// profile's (Slack's 3 s, Shopify's 5 s…) once one is picked.
	title, x := "new subscription", &storage.Subscription{Scheme: provider.SchemeStandardWebhooks, Retry: send.RetrySvix, Enabled: true,
		URL: "http://localhost:3000/webhooks"}
	if sub != nil {
		c := *sub
		c.Retry = send.CanonicalRetry(c.Retry)
		title, x = "edit subscription "+sanitize.Line(sub.Name), &c
	}
	timeout := ""
	if x.Timeout > 0 {
		timeout = x.Timeout.String()
	}
	var hl []string
	for _, h := range x.Headers {
		hl = append(hl, h.Name+": "+h.Value)
	}
	f := newForm(s.common, title,
		textField("name", "Name", x.Name, "a word, unique"),
		textField("url", "Target URL", x.URL, "where events are POSTed"),
		choiceField("scheme", "Signing", provider.Schemes(), x.Scheme),
		secretField("secret", "Secret", x.Secret, "ctrl+g generates one in the scheme's format"),
		textField("events", "Events", strings.Join(x.Events, ","), "event types it takes, e.g. github.*,stripe.payment_intent.succeeded; empty: all"),
		textField("timeout", "Timeout", timeout, "e.g. 15s; empty: the retry profile's"),
		choiceField("retry", "Retries", send.RetryPolicies(), x.Retry),
		toggleField("enabled", "Enabled", x.Enabled),
		areaField("headers", "Headers", strings.Join(hl, "\n"), "extra headers, one 'Name: value' a line"),
	)
	k := &s.common.keys.Subs
	f.keys = []key.Binding{k.Generate, k.Reveal}
	f.submitHelp = "save"
	// generated is the secret made here: the user has to copy it into their
	// handler, so it alone can be shown, and only while this form is open.
	// A secret already saved stays masked.
	var generated string
	f.extra = func(f *form, msg tea.KeyPressMsg) (bool, tea.Cmd) {
		field := f.field("secret")
		switch {
		case key.Matches(msg, k.Generate):
			secret, err := provider.GenerateSecret(f.field("scheme").value())
			if err != nil {
				f.err = err.Error()
				return true, nil
			}
			generated = secret
			field.set(secret)
			f.err = ""
		case key.Matches(msg, k.Reveal):
			if generated == "" || field.value() != generated {
				field.input.EchoMode = textinput.EchoPassword
				f.err = "ctrl+r shows a secret generated here with ctrl+g; a saved or typed one stays hidden"
				return true, nil
			}
			if field.input.EchoMode == textinput.EchoNormal {
				field.input.EchoMode = textinput.EchoPassword
			} else {
				field.input.EchoMode = textinput.EchoNormal
			}
			f.err = ""
		default:
			return false, nil
		}
		return true, nil
	}
	db := s.common.db
	f.submit = func(v map[string]string) (tea.Cmd, error) {
		x.Name, x.URL, x.Scheme, x.Secret, x.Retry = v["name"], v["url"], v["scheme"], v["secret"], v["retry"]
		x.Enabled = v["enabled"] != ""
		x.Events = nil
		for _, e := range strings.Split(v["events"], ",") {
			if e = strings.TrimSpace(e); e != "" {
				x.Events = append(x.Events, e)
			}
		}
		x.Timeout = 0
		if tv := strings.TrimSpace(v["timeout"]); tv != "" {
			t, err := time.ParseDuration(tv)
			if err != nil {
				return nil, fmt.Errorf("timeout %q: write a duration like 15s, or leave it empty for the retry profile's", v["timeout"])
			}
			x.Timeout = t
		}
		var err error
		if x.Headers, err = parseHeaderLines(v["headers"], nil); err != nil {
			return nil, err
		}
		if err := send.CheckSubscription(x); err != nil {
			return nil, err
		}
		if sub == nil {
			return s.action("created "+x.Name, func(ctx context.Context) error { return send.CreateSubscription(ctx, db, x) }), nil
		}
		return s.action("saved "+x.Name, func(ctx context.Context) error { return send.UpdateSubscription(ctx, db, x) }), nil
	}
	return f
}

// parseHeaderLines reads "Name: value" lines. A line found in shown (how
// a form displayed captured headers) stands for that header, byte for byte.
func parseHeaderLines(text string, shown map[string][]storage.Header) (storage.Headers, error) {
	var out storage.Headers
	for i, line := range strings.Split(text, "\n") {
		if orig := shown[line]; len(orig) > 0 {
			// A captured header's line as the form showed it: its bytes.
			out, shown[line] = append(out, orig[0]), orig[1:]
			continue
		}
		if strings.TrimSpace(line) == "" {
			continue
		}
		h, err := send.ParseHeader(line)
		if err != nil {
			return nil, fmt.Errorf("header line %d: %w", i+1, err)
		}
		out = append(out, h)
	}
	return out, nil
}

// openPicker lists what can be fired: the request on the requests screen
// when the user came here, then every template.
func (s *subsScreen) openPicker(m templatesMsg) layer {
	sub := s.selected()
	if sub == nil {
		return nil
	}
	if m.err != nil && len(m.list) == 0 {
		s.setStatus("", m.err)
		return nil
	}
	var items []pickItem
	if r := s.template; r != nil {
		items = append(items, pickItem{key: "capture", label: fmt.Sprintf("captured request #%d  %s %s", r.ID, sanitize.Line(r.Method), displayPath(r.Path())), id: r.ID})
	}
	for _, t := range m.list {
		if !send.Accepts(sub, t.Name) {
			continue
		}
		items = append(items, pickItem{key: t.Name, label: padTo(t.Name, 34) + sanitize.Line(t.Description)})
	}
	d, db, subID, subName := s.common.deps.Dispatcher, s.common.db, sub.ID, sub.Name
	pick := newPicker(s.common, "fire at "+sanitize.Line(sub.Name)+": pick an event", "event", items, func(it pickItem) tea.Cmd {
		return func() tea.Msg {
			if it.key == "capture" {
				r, err := db.GetRequest(s.common.run, it.id)
				if err != nil {
					return payloadMsg{err: err}
				}
				return payloadMsg{subID: subID, subName: subName, p: send.CapturePayload(r)}
			}
			p, err := d.TemplatePayload(it.key)
			return payloadMsg{subID: subID, subName: subName, p: p, err: err}
		}
	})
	if m.err != nil {
		s.setStatus("", m.err) // a broken user template: the built-in ones are still listed
	}
	return pick
}

// payloadForm previews the rendered event for editing before it is fired.
func (s *subsScreen) payloadForm(subID int64, subName string, p send.Payload) *form {
	var hl []string
	for _, h := range p.Headers {
		hl = append(hl, h.Name+": "+h.Value)
	}
	name := p.Type
	if name == "" {
		name = "event"
	}
	headerText := strings.Join(hl, "\n")
	fields := []*formField{
		textField("method", "Method", orDefault(p.Method, "POST"), ""),
		textField("type", "Event type", p.Type, ""),
		textField("copies", "Copies", "1", fmt.Sprintf("deliver it this many times, same id and signature (1-%d)", send.MaxCopies)),
		toggleField("concurrent", "Concurrent", false),
		areaField("headers", "Headers", headerText, "signature headers are added per attempt"),
	}
	fields[3].hint = "space: the copies leave at the same moment, each on its own connection"
	fields[3].when = func(f *form) bool {
		n, err := parseCopies(f.field("copies").value())
		return err == nil && n > 1
	}
	// A body the text widget would alter (\r, tabs, controls) is sent as it
	// is, and not shown for editing.
	inline := inlineSafe(p.Body)
	if inline {
		fields = append(fields, areaField("body", "Body", string(p.Body), ""))
	}
	title := "fire " + sanitize.Line(name) + " (signed when sent; ctrl+s fires)"
	if !inline {
		title += fmt.Sprintf(" — body: %s, sent as captured", bytesize.Format(int64(len(p.Body))))
	}
	f := newForm(s.common, title, fields...)
	f.submitHelp = "fire"
	// Fields left as they were send the payload's own bytes (see filled).
	headers := filled[storage.Headers]{f.field("headers").value(), p.Headers}
	var body filled[[]byte]
	if inline {
		body = filled[[]byte]{f.field("body").value(), p.Body}
	}
	d := s.common.deps.Dispatcher
	f.submit = func(v map[string]string) (tea.Cmd, error) {
		q := p
		q.Method, q.Type = strings.TrimSpace(v["method"]), strings.TrimSpace(v["type"])
		var err error
		if q.Headers, err = headers.read(v["headers"], func(text string) (storage.Headers, error) { return parseHeaderLines(text, nil) }); err != nil {
			return nil, err
		}
		if inline {
			q.Body, _ = body.read(v["body"], asBytes)
		}
		copies, err := parseCopies(v["copies"])
		if err != nil {
			return nil, err
		}
		if copies > 1 {
			return fireCopies(d, subID, subName, q, copies, v["concurrent"] != ""), nil
		}
		return func() tea.Msg {
			id, err := d.Fire(context.Background(), subID, q)
			if err != nil {
				return subsDoneMsg{err: err}
			}
			return subsDoneMsg{status: fmt.Sprintf("event #%d queued: sending now", id)}
		}, nil
	}
	return f
}

// parseCopies reads the fire form's copies field.
func parseCopies(text string) (int, error) {
	text = strings.TrimSpace(text)
	n, err := strconv.Atoi(text)
	if err != nil {
		return 0, fmt.Errorf("copies %q: write how many times to deliver the event, a whole number from 1 to %d (2 is a provider's duplicate)", text, send.MaxCopies)
	}
	if n < 1 || n > send.MaxCopies {
		return 0, fmt.Errorf("copies %d: deliver the event from 1 to %d times (2 is a provider's duplicate)", n, send.MaxCopies)
	}
	return n, nil
}

// fireCopies delivers q to the subscription copies times in a command,
// as `gaff subscriptions fire --duplicate` does, and flashes what each
// copy answered. The flash is an error unless the event was delivered.
// Until the answers are in (up to the subscription's timeout), the screen
// says the copies are on their way.
func fireCopies(d *send.Dispatcher, subID int64, subName string, q send.Payload, copies int, together bool) tea.Cmd {
	what := fmt.Sprintf("%s ×%d", orDefault(q.Type, orDefault(q.Template, "event")), copies)
	if together {
		what += " at once"
	}
	what += " to " + subName
	firing := func() tea.Msg { return subsDoneMsg{status: "firing " + what + "…"} }
	return tea.Sequence(firing, func() tea.Msg {
		ev, xs, err := d.FireCopies(context.Background(), subID, q, copies, together)
		if ev == nil || len(xs) == 0 {
			return subsDoneMsg{err: err}
		}
		answers := make([]string, len(xs))
		for i, x := range xs {
			answers[i] = copyAnswer(x)
		}
		line := fmt.Sprintf("fired %s → %s (event #%d)", what, strings.Join(answers, ", "), ev.ID)
		switch {
		case err != nil:
			return subsDoneMsg{err: fmt.Errorf("%s: %w", line, err)}
		case ev.State != storage.EventDelivered:
			return subsDoneMsg{err: errors.New(line + ": no copy was delivered")}
		}
		return subsDoneMsg{status: line}
	})
}

// copyAnswer is what one copy got back: the status, or why there was none.
func copyAnswer(x *storage.Delivery) string {
	switch {
	case x.Status > 0:
		return strconv.Itoa(x.Status)
	case x.Error != "":
		return "no answer (" + x.Error + ")"
	}
	return "no answer"
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}
