package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"gaff/provider"
	"gaff/sanitize"
	"gaff/send"
	"gaff/storage"
)

// payloadFlags choose what to send: a template, a file, or nothing; with
// headers and a method on top. `gaff send` and `gaff subscriptions fire`
// share them.
type payloadFlags struct {
	event   string
	body    string
	headers []string
	method  string
}

func (f *payloadFlags) add(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.event, "event", "", "event template to send (see gaff send --list-events)")
	f.addBody(cmd)
}

// addBody adds the flags but --event, for a command that takes several.
func (f *payloadFlags) addBody(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&f.body, "body", "", "send this file as the body, or - for standard input")
	fl.StringArrayVar(&f.headers, "header", nil, "add or replace a header, 'Name: value' (repeatable)")
	fl.StringVar(&f.method, "method", "", "HTTP method (default: the template's, or POST)")
}

// payload builds what to send; t is the template used, if any.
func (f *payloadFlags) payload(stdin io.Reader) (send.Payload, *provider.Template, error) {
	if f.event != "" && f.body != "" {
		return send.Payload{}, nil, errors.New("--event and --body both give the body; pick one")
	}
	var p send.Payload
	var tmpl *provider.Template
	switch {
	case f.event != "":
		list, loadErr := send.Templates(send.TemplateDir())
		t, err := send.FindTemplate(list, f.event)
		if err != nil {
			return p, nil, errors.Join(err, loadErr)
		}
		p, tmpl = send.RenderTemplate(t, time.Now()), &t
	case f.body == "-":
		b, err := io.ReadAll(stdin)
		if err != nil {
			return p, nil, fmt.Errorf("cannot read the body from standard input: %w", err)
		}
		p.Body = b
	case f.body != "":
		b, err := os.ReadFile(f.body)
		if err != nil {
			return p, nil, fmt.Errorf("cannot read --body %s: %w", f.body, errors.Unwrap(err))
		}
		p.Body = b
	}
	extra, err := headerFlags(f.headers)
	if err != nil {
		return p, nil, err
	}
	p.Headers = send.SetHeaders(p.Headers, extra)
	if f.method != "" {
		p.Method = strings.ToUpper(f.method)
	}
	return p, tmpl, nil
}

func sendCmd(dbf *dbFlags) *cobra.Command {
	var pf payloadFlags
	var to, scheme, eventType string
	var secret oneSecret
	var generate, listEvents bool
	var timeout time.Duration
	cmd := &cobra.Command{
		Use:   "send --to URL [--event NAME | --body FILE|-] [--scheme S --secret X|- | --secret-file F | --secret-env VAR] [--type NAME] [--header 'K: V']...",
		Short: "Send one signed webhook and print the response",
		Long: `Send one request to --to URL, as a webhook provider would: a sample event
(--event, rendered with fresh ids and timestamps) or a body of your own
(--body), signed with --scheme and --secret. An event is signed as its
provider signs unless --scheme says otherwise. GitHub and Shopify
receivers also need the event type in a header: --type names it. The
attempt is stored with gaff's other deliveries. Exits non-zero unless the
answer is 2xx.

Schemes: ` + strings.Join(provider.Schemes(), ", ") + `.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if listEvents {
				return printTemplates(cmd.OutOrStdout())
			}
			if to == "" {
				return errors.New("--to URL is required: where to send the webhook")
			}
			if _, err := send.ParseTarget(to); err != nil {
				return fmt.Errorf("--to: %w", err)
			}
			if timeout <= 0 {
				return fmt.Errorf("--timeout %s: give a positive duration, like 15s", timeout)
			}
			if secret.value == "-" && pf.body == "-" {
				return errors.New("--body - and --secret - both read standard input; give the secret with --secret-file or --secret-env")
			}
			given, err := secret.read(cmd.InOrStdin())
			if err != nil {
				return err
			}
			p, tmpl, err := pf.payload(cmd.InOrStdin())
			if err != nil {
				return err
			}
			if scheme == "" {
				scheme = provider.SchemeNone
				if tmpl != nil {
					scheme = tmpl.Scheme
				}
			}
			key, err := chooseSecret(cmd.ErrOrStderr(), scheme, given, generate, tmpl)
			if err != nil {
				return err
			}
			if p.Headers, err = send.WithEventHeaders(p.Headers, scheme, eventType); err != nil {
				return fmt.Errorf("--scheme %s: %w", scheme, err)
			}
			d := send.SendOnce(cmd.Context(), send.NewClient(timeout), to, p.Method, p.Headers, p.Body, scheme, key)
			storeSent(cmd.Context(), dbf, d, cmd.ErrOrStderr())
			printDelivery(cmd.OutOrStdout(), d)
			return deliveredOrNot(d)
		},
	}
	pf.add(cmd)
	f := cmd.Flags()
	f.StringVar(&to, "to", "", "URL to send to")
	f.StringVar(&scheme, "scheme", "", "sign as: "+strings.Join(provider.Schemes(), ", ")+" (default: the event's own, else none)")
	f.StringVar(&eventType, "type", "", "event type, in the header github (X-GitHub-Event) and shopify (X-Shopify-Topic) receivers need")
	secret.add(f)
	f.BoolVar(&generate, "generate-secret", false, "make a secret in the scheme's format and print it on stderr")
	f.DurationVar(&timeout, "timeout", storage.DefaultSubscriptionTimeout, "how long to wait for the answer")
	f.BoolVar(&listEvents, "list-events", false, "list the event templates and exit")
	return cmd
}

// chooseSecret checks the scheme and returns the secret to sign with,
// generating one when asked (and printing it on stderr, once). Errors say
// which flag to add.
func chooseSecret(stderr io.Writer, scheme, secret string, generate bool, tmpl *provider.Template) (string, error) {
	if generate {
		if secret != "" {
			return "", errors.New("--secret and --generate-secret both give the secret; pick one")
		}
		if scheme == provider.SchemeNone {
			return "", errors.New("--generate-secret: scheme none signs nothing; pick a --scheme")
		}
		var err error
		if secret, err = provider.GenerateSecret(scheme); err != nil {
			return "", err
		}
		fmt.Fprintf(stderr, "secret: %s\n", secret)
	}
	if scheme != provider.SchemeNone && secret == "" {
		if tmpl != nil && tmpl.Scheme == scheme {
			return "", fmt.Errorf("%s is signed as %s: pass --secret (the secret your handler checks with), --generate-secret, or --scheme none to send it unsigned", tmpl.Name, scheme)
		}
		return "", fmt.Errorf("--scheme %s signs with a secret: pass --secret or --generate-secret", scheme)
	}
	if err := send.CheckSigning(scheme, secret); err != nil {
		return "", fmt.Errorf("--scheme/--secret: %w", err)
	}
	return secret, nil
}

// storeSent records the attempt. A database that cannot be opened does not
// stop a send that already happened: it is reported, not fatal.
func storeSent(ctx context.Context, dbf *dbFlags, d *storage.Delivery, stderr io.Writer) {
	db, err := openCreate(dbf)
	if err == nil {
		err = db.InsertDelivery(ctx, d)
		db.Close()
	}
	if err != nil {
		fmt.Fprintf(stderr, "gaff: the attempt was not stored: %v\n", err)
	}
}

// deliveredOrNot is the exit status of a send: an error unless 2xx.
func deliveredOrNot(d *storage.Delivery) error {
	switch {
	case d.Status >= 200 && d.Status < 300:
		return nil
	case d.Status == 0:
		return errors.New("not delivered: no response")
	}
	return fmt.Errorf("not delivered: the target answered %d", d.Status)
}

// printTemplates lists the events --event and fire take.
func printTemplates(out io.Writer) error {
	dir := send.TemplateDir()
	list, err := send.Templates(dir)
	w := bufio.NewWriter(out)
	defer w.Flush()
	for _, t := range list {
		fmt.Fprintf(w, "%-34s %-18s %s\n", t.Name, t.Scheme, sanitize.Line(t.Description))
	}
	fmt.Fprintf(w, "\nYour own templates go in %s, one JSON file each (see the README).\n", dir)
	return err
}
