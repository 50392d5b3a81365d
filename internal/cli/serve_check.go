package cli

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"gaff/capture"
	"gaff/tunnel"
)

// check refuses what gaff cannot honour before it opens, creates or listens
// on anything, so a mistyped flag leaves no database or log behind. It
// reads the secrets given by file or environment.
func (o *serveOptions) check() error {
	// A body is held whole in memory until stored, within the in-flight
	// budget; one larger than the budget would stall every other capture.
	if o.maxBody < 1 || o.maxBody > capture.DefaultMaxInFlight {
		return fmt.Errorf("--max-body %d: give a size from 1 to %d bytes (%d MiB: bodies are held in memory until stored, and gaff holds no more than that at once); the default is %d (%d MiB)",
			o.maxBody, capture.DefaultMaxInFlight, capture.DefaultMaxInFlight>>20, capture.DefaultMaxBody, capture.DefaultMaxBody>>20)
	}
	switch {
	case o.after < -1:
		return fmt.Errorf("--after %d: give the id of a capture (0 prints every stored capture first)", o.after)
	case o.after >= 0 && !o.headless:
		return errors.New("--after applies to --headless: add --headless, or drop --after")
	case o.format != "json" && o.format != "text":
		return fmt.Errorf("--format %q: write --format json (an object a line, the default) or --format text (a line a capture, to read)", o.format)
	case o.format != "json" && !o.headless:
		return errors.New("--format applies to --headless: add --headless, or drop --format")
	}
	var err error
	if o.overrides, err = o.policy.parse(); err != nil {
		return err
	}
	if err := o.forward.check(); err != nil {
		return err
	}
	if err := o.retention.check(); err != nil {
		return err
	}
	if o.teamConfig, err = o.team.config(); err != nil {
		return err
	}
	return o.checkTunnel()
}

// checkTunnel settles whether ngrok is used and with what protection.
// --basic-auth comes from the flag, else --basic-auth-file, else
// GAFF_BASIC_AUTH.
func (o *serveOptions) checkTunnel() error {
	var from string
	var err error
	if o.basicAuth, from, err = valueSource("--basic-auth", o.basicAuth, "--basic-auth-file", o.basicAuthFile, "GAFF_BASIC_AUTH"); err != nil {
		return err
	}
	o.ngrokToken = os.Getenv("NGROK_AUTHTOKEN")
	if o.useNgrok, err = tunnel.ChooseMode(o.tunnel, o.ngrokToken); err != nil {
		return err
	}
	if !o.useNgrok {
		var given []string
		note := func(set bool, name string) {
			if set {
				given = append(given, name)
			}
		}
		note(o.url != "", "--url")
		note(o.basicAuth != "", from)
		note(len(o.allowCIDR) > 0, "--allow-cidr")
		note(o.trafficPolicy != "", "--traffic-policy")
		note(o.pool, "--pool")
		if len(given) > 0 {
			return fmt.Errorf("%s: these apply to the ngrok URL, and ngrok is not in use: set NGROK_AUTHTOKEN (see the README), or drop them", strings.Join(given, ", "))
		}
		return nil
	}
	if o.pool && o.url == "" {
		return errors.New("--pool shares one URL among several gaffs, so each must ask for the same one: add --url https://NAME.ngrok.app")
	}
	// Made again when ngrok starts; made here, a bad rule stops gaff first.
	if _, err := tunnel.TrafficPolicy(o.basicAuth, o.allowCIDR, o.trafficPolicy); err != nil {
		if o.basicAuth != "" && from != "--basic-auth" {
			return fmt.Errorf("%w (the basic auth is from %s)", err, from)
		}
		return err
	}
	return nil
}
