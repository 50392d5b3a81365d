package tunnel

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"regexp"
	"strings"
	"syscall"
	"time"

	"golang.ngrok.com/ngrok/v2"
)

// Kind sorts tunnel errors by what the user can do about them.
type Kind int

const (
	KindNone    Kind = iota // no error
	KindClosed              // closed on purpose: Close, or the app's context ended
	KindAuth                // ngrok refused the authtoken, or got none
	KindAccount             // the account may not start a session (suspended, session limit, unverified email, agent too old)
	KindURL                 // ngrok would not create the endpoint: --url not reserved, taken, invalid, or needs a paid plan
	KindPolicy              // ngrok rejected the traffic policy
	KindNetwork             // ngrok could not be reached: DNS, refused, unreachable, reset
	KindTLS                 // something other than ngrok answered: a TLS-inspecting proxy, a captive portal
	KindTimeout             // no answer within the connect timeout
	KindNgrok               // another error reported by ngrok, with an ERR_NGROK code
	KindUnknown             // anything else
)

func (k Kind) String() string {
	names := [...]string{"none", "closed", "auth", "account", "url", "policy", "network", "tls", "timeout", "ngrok", "unknown"}
	if k >= 0 && int(k) < len(names) {
		return names[k]
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Permanent reports whether retrying cannot help until the user changes
// something (token, account, --url, policy). The SDK retries every error
// forever, these included (ngrok/ngrok-go#176), so gaff stops on them.
func (k Kind) Permanent() bool {
	return k == KindAuth || k == KindAccount || k == KindURL || k == KindPolicy
}

// Classify explains an error from the ngrok SDK: its kind, a one-line
// message for the status bar, and a hint saying what to do. It reads the
// SDK's own error values: ngrok.Error (Code), the errors its events carry
// (which have ErrorCode and Msg), and the standard library's network and TLS
// errors they wrap. An ERR_NGROK_ code found only in the text also counts.
func Classify(err error) (kind Kind, message, hint string) {
	if err == nil {
		return KindNone, "", ""
	}
	var te *connectTimeoutError
	if errors.As(err, &te) {
		return classifyTimeout(te)
	}
	if code := ngrokCode(err); code != "" {
		return classifyCode(code, ngrokMessage(err))
	}
	if k, m, h, ok := classifyTLS(err); ok {
		return k, m, h
	}
	if k, m, h, ok := classifyNetwork(err); ok {
		return k, m, h
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, net.ErrClosed) {
		return KindClosed, "the tunnel was closed", ""
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return KindTimeout, "ngrok did not answer in time", networkHint
	}
	return KindUnknown, firstLine(err.Error()), "gaff's log file has the details; the local URL keeps working"
}

const networkHint = "check the internet connection, proxy and firewall (ngrok needs outbound TCP to connect.ngrok-agent.com:443); the local URL keeps working"

// connectTimeoutError is how the tunnel gives up on a first connection that
// takes longer than ConnectTimeout. last is the most recent error the SDK
// reported while retrying, if any: it usually says why.
type connectTimeoutError struct {
	after time.Duration
	last  error
}

func (e *connectTimeoutError) Error() string {
	if e.last != nil {
		return fmt.Sprintf("no connection to ngrok after %s: %v", e.after, e.last)
	}
	return fmt.Sprintf("no answer from ngrok within %s", e.after)
}

func (e *connectTimeoutError) Unwrap() error { return e.last }

func classifyTimeout(e *connectTimeoutError) (Kind, string, string) {
	restart := "; restart gaff to try again"
	if e.last != nil {
		if k, m, h := Classify(e.last); k != KindClosed && k != KindNone {
			return k, fmt.Sprintf("%s (gave up after %s)", m, e.after), h + restart
		}
	}
	return KindTimeout, fmt.Sprintf("no answer from ngrok within %s", e.after), networkHint + restart
}

// ngrokCodeRE matches the codes ngrok puts in its messages, the same pattern
// the SDK uses (ngrokErrorCodeRegex in its internal/tunnel/proto).
var ngrokCodeRE = regexp.MustCompile(`ERR_NGROK_\d+`)

// ngrokCode finds the ERR_NGROK_ code in err. Errors returned by Listen are
// ngrok.Error (an errorAdapter made by the SDK's wrapError), but that
// adapter has no Unwrap; errors carried by EventAgentDisconnected are the
// SDK's internal types, which expose ErrorCode and Msg (legacy.Error, and
// ngrokError in internal/tunnel/proto).
func ngrokCode(err error) string {
	var pub ngrok.Error
	if errors.As(err, &pub) && pub.Code() != "" {
		return pub.Code()
	}
	var internal interface{ ErrorCode() string }
	if errors.As(err, &internal) && internal.ErrorCode() != "" {
		return internal.ErrorCode()
	}
	return ngrokCodeRE.FindString(err.Error())
}

// ngrokMessage is the first line of ngrok's own message, without the code
// and without the lines that follow it: those can quote the authtoken back
// ("Your authtoken: …", ERR_NGROK_105).
func ngrokMessage(err error) string {
	var m interface{ Msg() string }
	if errors.As(err, &m) {
		if s := firstLine(m.Msg()); s != "" {
			return s
		}
	}
	return stripSDKPrefixes(firstLine(err.Error()))
}

// sdkPrefixes are the contexts the SDK wraps around ngrok's message
// ((*agent).ensureConnected, and the Error methods of errAuthFailed,
// errAcceptFailed and errListen in its internal legacy package).
var sdkPrefixes = []string{
	"failed to connect: ",
	"authentication failed: ",
	"failed to send authentication request: ",
	"failed to start tunnel: ",
	"failed to accept connection: ",
}

func stripSDKPrefixes(s string) string {
	for again := true; again; {
		again = false
		for _, p := range sdkPrefixes {
			if rest, ok := strings.CutPrefix(s, p); ok {
				s, again = rest, true
			}
		}
	}
	return s
}

func classifyCode(code, msg string) (Kind, string, string) {
	num := strings.TrimPrefix(code, "ERR_NGROK_")
	docs := "https://ngrok.com/docs/errors/err_ngrok_" + num
	withCode := func(prefix string) string {
		if msg == "" {
			return prefix + " (" + code + ")"
		}
		return prefix + ": " + msg + " (" + code + ")"
	}
	switch num {
	case "4018":
		return KindAuth, withCode("ngrok needs an authtoken"),
			"copy your authtoken from " + TokenURL + " into NGROK_AUTHTOKEN, or run with --tunnel none"
	case "105", "106", "107":
		return KindAuth, withCode("ngrok refused the authtoken"),
			"copy a valid authtoken from " + TokenURL + " into NGROK_AUTHTOKEN, or run with --tunnel none"
	case "108":
		return KindAccount, withCode("ngrok refused another session for this account"),
			"another ngrok agent (or gaff) is online with this account; stop it (see https://dashboard.ngrok.com/agents) or run with --tunnel none"
	case "120", "121":
		return KindAccount, withCode("ngrok no longer accepts this version of its SDK"),
			"update gaff, which bundles the ngrok SDK; see " + docs
	case "102", "103", "123", "337":
		return KindAccount, withCode("ngrok will not start a session for this account"),
			"sort out the account at https://dashboard.ngrok.com, then restart gaff; see " + docs
	case "334":
		return KindURL, withCode("the URL is already online elsewhere"),
			"another gaff or ngrok agent is serving this URL; stop it, or choose another with --url"
	case "9037":
		return KindURL, withCode("ngrok refused the URL"),
			"give --url as https://NAME.ngrok.app or a domain of yours, with no path or credentials"
	case "15004":
		return KindPolicy, withCode("ngrok rejected the traffic policy"),
			"the account's policy rule limit is reached; use fewer rules in --traffic-policy; see " + docs
	}
	switch {
	case len(num) == 3 && num[0] == '3':
		// 3xx are endpoint (bind) errors: domains not reserved, reserved by
		// another account or region, features of paid plans.
		return KindURL, withCode("ngrok would not create the endpoint"),
			"check --url: use a domain reserved on your ngrok account (https://dashboard.ngrok.com/domains), or leave --url out to get one; see " + docs
	case len(num) == 4 && strings.HasPrefix(num, "22"):
		// 22xx are traffic policy validation errors.
		return KindPolicy, withCode("ngrok rejected the traffic policy"),
			"fix --traffic-policy FILE (or --basic-auth / --allow-cidr); see https://ngrok.com/docs/traffic-policy/ and " + docs
	}
	return KindNgrok, withCode("ngrok reported an error"), "see " + docs
}

func classifyTLS(err error) (Kind, string, string, bool) {
	const hint = "gaff must reach connect.ngrok-agent.com:443 without TLS inspection; ask for an exemption, or run with --tunnel none"
	var header tls.RecordHeaderError
	if errors.As(err, &header) {
		return KindTLS, "the server reached does not speak TLS, so it is not ngrok (a proxy or captive portal in the way?)", hint, true
	}
	var (
		unknownCA *x509.UnknownAuthorityError
		hostname  x509.HostnameError
		invalid   x509.CertificateInvalidError
		verify    *tls.CertificateVerificationError
	)
	if errors.As(err, &unknownCA) || errors.As(err, &hostname) || errors.As(err, &invalid) || errors.As(err, &verify) {
		return KindTLS, "the server's certificate is not ngrok's (" + firstLine(err.Error()) + "); a TLS-inspecting proxy may be in the way", hint, true
	}
	var alert tls.AlertError
	if errors.As(err, &alert) {
		return KindTLS, "the TLS handshake with ngrok failed: " + alert.Error(), hint, true
	}
	return 0, "", "", false
}

func classifyNetwork(err error) (Kind, string, string, bool) {
	var dns *net.DNSError
	if errors.As(err, &dns) {
		if dns.IsNotFound {
			return KindNetwork, "cannot find " + dns.Name + " in DNS", networkHint, true
		}
		return KindNetwork, "cannot look up " + dns.Name + ": no internet connection, or DNS is not working", networkHint, true
	}
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return KindNetwork, "connection refused by " + opAddr(err, "ngrok"), networkHint, true
	case errors.Is(err, syscall.ENETUNREACH), errors.Is(err, syscall.EHOSTUNREACH):
		return KindNetwork, "no route to " + opAddr(err, "ngrok") + " (is this machine offline?)", networkHint, true
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return KindNetwork, "the connection to " + opAddr(err, "ngrok") + " was cut", networkHint, true
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return KindNetwork, "the connection to " + opAddr(err, "ngrok") + " timed out", networkHint, true
	}
	// muxado, the SDK's multiplexer, reports a dead connection with errors
	// that have neither Unwrap nor exported types (the error variables of
	// muxado/v2's errors.go: remoteGoneAway, sessionClosed, eofPeer…).
	text := err.Error()
	for _, s := range []string{"remote gone away", "read EOF from remote peer", "session closed", "heartbeat timeout"} {
		if strings.Contains(text, s) {
			return KindNetwork, "lost the connection to ngrok (" + s + ")", networkHint, true
		}
	}
	var op *net.OpError
	if errors.As(err, &op) && !errors.Is(err, net.ErrClosed) {
		return KindNetwork, "cannot reach " + opAddr(err, "ngrok") + ": " + firstLine(op.Err.Error()), networkHint, true
	}
	return 0, "", "", false
}

// opAddr is the remote address in err's *net.OpError, or fallback.
func opAddr(err error, fallback string) string {
	var op *net.OpError
	if errors.As(err, &op) && op.Addr != nil {
		return op.Addr.String()
	}
	return fallback
}

// firstLine is the first line of s that says something: not blank, not a
// bare ERR_NGROK code, not a documentation link. Capped so a status bar
// stays one line.
func firstLine(s string) string {
	const max = 200
	for line := range strings.SplitSeq(s, "\n") {
		line = strings.TrimSpace(line)
		bareCode := ngrokCodeRE.FindString(line) == line
		if bareCode || strings.HasPrefix(line, "https://ngrok.com/docs/errors") {
			continue // also skips "", which FindString returns for no match
		}
		if r := []rune(line); len(r) > max {
			line = string(r[:max]) + "…"
		}
		return line
	}
	return ""
}
