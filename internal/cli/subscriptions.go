package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"gaff/export"
	"gaff/provider"
	"gaff/sanitize"
	"gaff/send"
	"gaff/storage"
)

func subscriptionsCmd(dbf *dbFlags) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "subscriptions",
		Aliases: []string{"subs"},
		Short:   "Manage outbound test subscriptions and fire signed events at them",
		Long: `A subscription is an endpoint gaff sends test events to, signed the way a
provider signs them, with retries the way a provider makes them: --retry
github|stripe|shopify|slack|svix|zoom|testing|none picks a profile (attempts,
schedule, the timeout the target gets, retry headers, what counts as a
failure; svix is the default, and standard another name for it). A running
gaff (TUI or --headless) sends and retries them in the background.

` + "`fire`" + ` makes the first attempt itself, prints the answer and exits
non-zero unless it was delivered; retries are left to a running gaff, which
finds them in the database. ` + "`fire --queue`" + ` only queues the event.`,
		Args: cobra.NoArgs,
	}
	cmd.AddCommand(subsListCmd(dbf), subsAddCmd(dbf), subsRemoveCmd(dbf), subsFireCmd(dbf), subsEventsCmd(dbf),
		subsRetryCmd(dbf), subsCancelCmd(dbf), subsEnableCmd(dbf, true), subsEnableCmd(dbf, false))
	return cmd
}

// withDB runs fn on the database opened for writing (created if needed).
func withDB(dbf *dbFlags, fn func(db *storage.DB) error) error {
	db, err := openCreate(dbf)
	if err != nil {
		return err
	}
	defer db.Close()
	return fn(db)
}

// withSubscription runs fn on the subscription ref names (a name or an id).
func withSubscription(ctx context.Context, dbf *dbFlags, ref string, fn func(db *storage.DB, s *storage.Subscription) error) error {
	return withDB(dbf, func(db *storage.DB) error {
		s, err := send.FindSubscription(ctx, db, ref)
		if err != nil {
			return err
		}
		return fn(db, s)
	})
}

func subsListCmd(dbf *dbFlags) *cobra.Command {
	var asJSON, secrets bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List subscriptions",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withDB(dbf, func(db *storage.DB) error {
				subs, err := db.ListSubscriptions(cmd.Context())
				if err != nil {
					return err
				}
				printRows(cmd.OutOrStdout(), subs, asJSON, func(s *storage.Subscription) any { return subscriptionJSON(s, secrets) },
					func(w io.Writer, s *storage.Subscription) { printSubscription(w, s, secrets) })
				return nil
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "one JSON object per subscription")
	cmd.Flags().BoolVar(&secrets, "show-secrets", false, "include the signing secrets and the passwords in URLs")
	return cmd
}

func printSubscription(w io.Writer, s *storage.Subscription, secret bool) {
	state := "on"
	if !s.Enabled {
		state = "off"
	}
	events := "all events"
	if len(s.Events) > 0 {
		events = strings.Join(s.Events, ",")
	}
	fmt.Fprintf(w, "%4d  %-16s %-3s  %-17s %-8s %6s  %-24s %s\n", s.ID, sanitize.Line(s.Name), state, s.Scheme, s.Retry,
		s.Timeout, sanitize.Line(events), sanitize.Line(subscriptionURL(s, secret)))
	if !s.Enabled && s.DisabledReason != "" {
		fmt.Fprintf(w, "      off: %s\n", sanitize.Line(s.DisabledReason))
	}
	if secret && s.Secret != "" {
		fmt.Fprintf(w, "      secret: %s\n", sanitize.Line(s.Secret))
	}
}

func subsAddCmd(dbf *dbFlags) *cobra.Command {
	var s storage.Subscription
	var secret oneSecret
	var events string
	var headers []string
	var generate, disabled bool
	cmd := &cobra.Command{
		Use:   "add NAME --to URL [--scheme S] [--secret X|- | --secret-file F | --secret-env VAR | --generate-secret] [--header 'K: V']... [--events a,b] [--timeout D] [--retry github|stripe|shopify|slack|svix|zoom|testing|none] [--disabled]",
		Short: "Add a subscription",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			s.Name, s.Enabled = args[0], !disabled
			if disabled {
				s.DisabledReason = "added switched off"
			}
			if s.Scheme == "" {
				s.Scheme = provider.SchemeNone
			}
			given, err := secret.read(cmd.InOrStdin())
			if err != nil {
				return err
			}
			// A generated secret is printed once the subscription is stored.
			if s.Secret, err = chooseSecret(io.Discard, s.Scheme, given, generate, nil); err != nil {
				return err
			}
			if s.Headers, err = headerFlags(headers); err != nil {
				return err
			}
			for _, e := range strings.Split(events, ",") {
				if e = strings.TrimSpace(e); e != "" {
					s.Events = append(s.Events, e)
				}
			}
			// Checked before the database is opened (or created).
			if err := send.CheckSubscription(&s); err != nil {
				return err
			}
			return withDB(dbf, func(db *storage.DB) error {
				if err := send.CreateSubscription(cmd.Context(), db, &s); err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "added subscription %s (id %d): %s, signed as %s, retries %s\n",
					sanitize.Line(s.Name), s.ID, sanitize.Line(subscriptionURL(&s, false)), s.Scheme, s.Retry)
				if generate {
					fmt.Fprintf(cmd.OutOrStdout(), "secret: %s\n(give it to the receiver; gaff subscriptions list --show-secrets shows it again)\n", s.Secret)
				}
				return nil
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&s.URL, "to", "", "URL to send events to")
	f.StringVar(&s.Scheme, "scheme", provider.SchemeNone, "sign as: "+strings.Join(provider.Schemes(), ", "))
	secret.add(f)
	f.BoolVar(&generate, "generate-secret", false, "make a secret in the scheme's format and print it")
	f.StringArrayVar(&headers, "header", nil, "extra header sent with every event, 'Name: value' (repeatable)")
	f.StringVar(&events, "events", "", "event types it takes, comma-separated; a trailing * matches the rest (default: all)")
	f.DurationVar(&s.Timeout, "timeout", 0, "how long the target has to answer each attempt (default: the retry profile's: github 10s, shopify 5s, slack and zoom 3s, others 15s)")
	f.StringVar(&s.Retry, "retry", send.RetrySvix, "retry profile, as that provider retries: "+strings.Join(send.RetryPolicies(), ", ")+" (standard = svix)")
	f.BoolVar(&disabled, "disabled", false, "add it switched off")
	cmd.MarkFlagRequired("to")
	return cmd
}

func subsRemoveCmd(dbf *dbFlags) *cobra.Command {
	return &cobra.Command{
		Use:     "remove NAME|ID",
		Aliases: []string{"rm"},
		Short:   "Remove a subscription with its events and their attempts",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withSubscription(cmd.Context(), dbf, args[0], func(db *storage.DB, s *storage.Subscription) error {
				if err := db.DeleteSubscription(cmd.Context(), s.ID); err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "removed subscription %s (id %d)\n", sanitize.Line(s.Name), s.ID)
				return nil
			})
		},
	}
}

func subsEnableCmd(dbf *dbFlags, on bool) *cobra.Command {
	use, short := "enable NAME|ID", "Switch a subscription on; events held while it was off go out"
	if !on {
		use, short = "disable NAME|ID", "Switch a subscription off; its events wait until it is on"
	}
	return &cobra.Command{
		Use:   use,
		Short: short,
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withSubscription(cmd.Context(), dbf, args[0], func(db *storage.DB, s *storage.Subscription) error {
				if err := db.SetSubscriptionEnabled(cmd.Context(), s.ID, on, "switched off with gaff subscriptions disable"); err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "subscription %s is %s\n", sanitize.Line(s.Name), map[bool]string{true: "on", false: "off"}[on])
				return nil
			})
		},
	}
}

func subsFireCmd(dbf *dbFlags) *cobra.Command {
	var f fireFlags
	cmd := &cobra.Command{
		Use:   "fire NAME|ID (--event TEMPLATE... | --body FILE|- | --capture ID...) [--header 'K: V']... [--duplicate N [--concurrent]] [--shuffle [--seed N]] [--queue]",
		Short: "Fire an event, or a batch of them, at a subscription",
		Long: `Fire an event at a subscription: a template (--event), a body of your own
(--body), or a captured request (--capture ID, without its old signature and
proxy headers). It is signed as the subscription says. Several --event (or
--capture) make a batch, delivered in the order given.

The first attempt is made at once and its answer printed; the exit status is
0 only if every event was delivered. Retries follow the subscription's retry
profile and are sent by a running gaff. With --queue the events are only
stored, and a running gaff sends them within a few seconds.

Misbehave as real providers do, to rehearse a handler:
  --duplicate N   deliver each event N times: the same id, timestamp and
                  signature, as when a provider's retry crosses a delivery
                  that arrived; each copy is recorded as an attempt
  --concurrent    send the copies at the same moment, to expose races
  --shuffle       deliver a batch out of order; --seed N repeats an order`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			f.seedGiven = cmd.Flags().Changed("seed")
			if err := f.check(); err != nil {
				return err
			}
			return withSubscription(cmd.Context(), dbf, args[0], func(db *storage.DB, s *storage.Subscription) error {
				return f.fire(cmd, db, s)
			})
		},
	}
	f.add(cmd)
	return cmd
}

// given counts the flags that have a value.
func given(values ...string) int {
	n := 0
	for _, v := range values {
		if v != "" {
			n++
		}
	}
	return n
}

// capturePayload reads capture ref as a template, keeping the headers and
// method given on the command line on top of it.
func capturePayload(ctx context.Context, db *storage.DB, ref string, flags send.Payload) (send.Payload, error) {
	id, err := parseID(ref)
	if err != nil {
		return flags, err
	}
	r, err := db.GetRequest(ctx, id)
	if err != nil {
		return flags, err
	}
	p := send.CapturePayload(r)
	p.Headers = send.SetHeaders(p.Headers, flags.Headers)
	if flags.Method != "" {
		p.Method = flags.Method
	}
	return p, nil
}

// reportAttempt prints an attempt made from the command line and the state
// its event is left in; the error is the exit status: nil only when
// delivered.
func reportAttempt(out io.Writer, s *storage.Subscription, ev *storage.Event, x *storage.Delivery, err error) error {
	if x != nil {
		printDelivery(out, x)
	}
	if ev == nil {
		return err
	}
	fmt.Fprintf(out, "event %d: %s\n", ev.ID, eventState(s, ev))
	if err != nil {
		return err
	}
	if ev.State != storage.EventDelivered {
		return fmt.Errorf("event %d is not delivered (%s)", ev.ID, ev.State)
	}
	return nil
}

// eventState says where an event stands, with its next retry.
func eventState(s *storage.Subscription, ev *storage.Event) string {
	st := fmt.Sprintf("%s after %d of %d attempts", ev.State, ev.Attempts, send.MaxAttempts(s.Retry))
	if ev.State == storage.EventPending {
		st += fmt.Sprintf("; next at %s, sent by a running gaff", ev.NextAttempt.Format("2006-01-02 15:04:05"))
	}
	if ev.LastError != "" && ev.State != storage.EventDelivered {
		st += "; last: " + sanitize.Line(ev.LastError)
	}
	return st
}

func subsEventsCmd(dbf *dbFlags) *cobra.Command {
	var asJSON bool
	var limit int
	cmd := &cobra.Command{
		Use:   "events NAME|ID",
		Short: "List a subscription's recent events: state, attempts, next retry",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if limit < 1 {
				return errors.New("--limit must be at least 1")
			}
			return withSubscription(cmd.Context(), dbf, args[0], func(db *storage.DB, s *storage.Subscription) error {
				evs, err := db.ListEvents(cmd.Context(), storage.EventFilter{SubscriptionID: s.ID, Limit: limit})
				if err != nil {
					return err
				}
				printRows(cmd.OutOrStdout(), evs, asJSON, func(ev *storage.Event) any { return eventJSON(s, ev) },
					func(w io.Writer, ev *storage.Event) {
						fmt.Fprintf(w, "%6d  %s  %-32s %s\n", ev.ID, ev.Time.Format("2006-01-02 15:04:05"), sanitize.Line(eventName(ev)), eventState(s, ev))
					})
				return nil
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "one JSON object per event")
	cmd.Flags().IntVar(&limit, "limit", 20, "how many events, newest first")
	return cmd
}

func eventName(ev *storage.Event) string {
	switch {
	case ev.Template != "":
		return ev.Template
	case ev.RequestID != 0:
		return fmt.Sprintf("capture #%d", ev.RequestID)
	case ev.Type != "":
		return ev.Type
	}
	return "raw payload"
}

func subsRetryCmd(dbf *dbFlags) *cobra.Command {
	var queue bool
	cmd := &cobra.Command{
		Use:   "retry EVENT_ID [--queue]",
		Short: "Send an event again now (a failed, gone or cancelled one, or a redelivery)",
		Args:  cobra.ExactArgs(1),
		RunE: onEvent(dbf, func(cmd *cobra.Command, db *storage.DB, id int64) error {
			ctx := cmd.Context()
			disp := send.NewDispatcher(db, send.DispatcherOptions{})
			if queue {
				return disp.Retry(ctx, id)
			}
			ev, x, err := disp.RetryNow(ctx, id)
			if ev == nil {
				return err
			}
			s, serr := db.GetSubscription(ctx, ev.SubscriptionID)
			if serr != nil {
				return errors.Join(err, serr)
			}
			return reportAttempt(cmd.OutOrStdout(), s, ev, x, err)
		}),
	}
	cmd.Flags().BoolVar(&queue, "queue", false, "only make it due now, for a running gaff to send")
	return cmd
}

func subsCancelCmd(dbf *dbFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "cancel EVENT_ID",
		Short: "Stop a pending event's retries (retry sends it again)",
		Args:  cobra.ExactArgs(1),
		RunE: onEvent(dbf, func(cmd *cobra.Command, db *storage.DB, id int64) error {
			if err := db.CancelEvent(cmd.Context(), id); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "event %d cancelled: no more retries\n", id)
			return nil
		}),
	}
}

// onEvent is a command's run: fn on the database (created if needed) with
// the event its argument names.
func onEvent(dbf *dbFlags, fn func(cmd *cobra.Command, db *storage.DB, id int64) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		id, err := parseEventID(args[0])
		if err != nil {
			return err
		}
		return withDB(dbf, func(db *storage.DB) error { return fn(cmd, db, id) })
	}
}

func parseEventID(s string) (int64, error) {
	id, err := parseID(s) // same syntax as a request id
	if err != nil {
		return 0, fmt.Errorf("%q is not an event id (see gaff subscriptions events NAME)", s)
	}
	return id, nil
}

// printRows writes each row as one line of terminal-safe JSON (asJSON), or
// as text.
func printRows[T any](out io.Writer, rows []T, asJSON bool, toJSON func(T) any, text func(io.Writer, T)) {
	w := bufio.NewWriter(out)
	defer w.Flush()
	for _, r := range rows {
		if !asJSON {
			text(w, r)
			continue
		}
		w.Write(export.Line(toJSON(r)))
	}
}

func subscriptionJSON(s *storage.Subscription, secret bool) map[string]any {
	headers := make([]string, len(s.Headers))
	for i, h := range s.Headers {
		headers[i] = h.Name + ": " + h.Value
	}
	m := map[string]any{"id": s.ID, "name": s.Name, "url": subscriptionURL(s, secret), "scheme": s.Scheme, "headers": headers,
		"events": append([]string{}, s.Events...), "timeout_ms": s.Timeout.Milliseconds(), "retry": s.Retry,
		"enabled": s.Enabled, "disabled_reason": s.DisabledReason, "created": s.Created.UTC().Format(time.RFC3339)}
	if secret {
		m["secret"] = s.Secret
	}
	return m
}

// subscriptionURL is where s sends, with the password in it (if any) shown
// only when the user asked for secrets.
func subscriptionURL(s *storage.Subscription, secrets bool) string {
	if secrets {
		return s.URL
	}
	return send.RedactURL(s.URL)
}

func eventJSON(s *storage.Subscription, ev *storage.Event) map[string]any {
	m := map[string]any{"id": ev.ID, "subscription": s.Name, "time": ev.Time.UTC().Format(time.RFC3339Nano),
		"template": ev.Template, "type": ev.Type, "msg_id": ev.MsgID, "method": ev.Method, "size": ev.Size,
		"state": ev.State, "attempts": ev.Attempts, "max_attempts": send.MaxAttempts(s.Retry),
		"last_status": ev.LastStatus, "last_error": ev.LastError}
	if ev.RequestID != 0 {
		m["request_id"] = ev.RequestID
	}
	if !ev.NextAttempt.IsZero() {
		m["next_attempt"] = ev.NextAttempt.UTC().Format(time.RFC3339Nano)
	}
	return m
}
