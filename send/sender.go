package send

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gaff/provider"
	"gaff/storage"
)

// TargetSetting is the settings key of the remembered forward target, which
// replays use when no target is given.
const TargetSetting = "forward.target"

// ErrNoTarget is returned by Replay when neither a target nor a remembered
// forward target is known.
var ErrNoTarget = errors.New("no target to send to: pass --to URL, or start gaff once with --forward-to URL (it is remembered)")

// Sender sends captures again and records every attempt. The TUI and the
// CLI share it; it is safe for concurrent use.
type Sender struct {
	DB     *storage.DB
	Client *Client
	// Secret looks up a provider's signing secret for re-signing; nil means
	// none is known.
	Secret func(providerID string) (string, bool)
}

// Replay sends capture id to target (the remembered forward target when
// empty), re-signed first when resign is set, and stores the attempt.
//
// An error means no attempt was made or stored: the capture or the target
// is missing, or re-signing is impossible. A failed attempt (refused,
// timed out, TLS, a bad target URL) is not an error: it is a stored
// Delivery whose Error says what happened.
func (s *Sender) Replay(ctx context.Context, id int64, target string, resign bool) (*storage.Delivery, error) {
	r, err := s.DB.GetRequest(ctx, id)
	if err != nil {
		return nil, err
	}
	return s.ReplayRequest(ctx, r, target, resign)
}

// ReplayRequest is Replay for a capture already read.
func (s *Sender) ReplayRequest(ctx context.Context, r *storage.Request, target string, resign bool) (*storage.Delivery, error) {
	if target == "" {
		var err error
		if target, err = s.Target(ctx); err != nil {
			return nil, err
		}
		if target == "" {
			return nil, ErrNoTarget
		}
	}
	return s.sendCapture(ctx, storage.KindReplay, r, target, resign)
}

// sendCapture sends capture r to target as an attempt of kind.
func (s *Sender) sendCapture(ctx context.Context, kind string, r *storage.Request, target string, resign bool) (*storage.Delivery, error) {
	out, buildErr := BuildReplay(r, target)
	if buildErr != nil {
		out.Method = r.Method // for the record of the attempt that could not be made
	} else if resign {
		if err := s.Resign(&out, r.Provider); err != nil {
			return nil, err
		}
	}
	return s.attempt(ctx, kind, r.ID, out, target, buildErr)
}

// SendEdited sends an edited copy of capture requestID and stores it as an
// edit; the capture itself stays as it arrived. Re-sign out first with
// Resign if the edit should carry a valid signature.
func (s *Sender) SendEdited(ctx context.Context, requestID int64, out Outbound) (*storage.Delivery, error) {
	return s.attempt(ctx, storage.KindEdit, requestID, out, out.URL, nil)
}

// Resign re-signs out as providerID signs, with the secret Secret knows and
// the current time.
func (s *Sender) Resign(out *Outbound, providerID string) error {
	secret := ""
	if s.Secret != nil && providerID != "" {
		secret, _ = s.Secret(providerID)
	}
	if secret == "" && provider.DefaultScheme(providerID) != provider.SchemeNone {
		return fmt.Errorf("no %s secret known to gaff: give it with --secret %s=SECRET (or save it in the TUI) to re-sign, or send without re-signing",
			provider.Name(providerID), providerID)
	}
	return Resign(out, providerID, secret, time.Now())
}

// attempt sends out, marked as sent by this gaff (LoopHeader), and stores
// the attempt. buildErr, when set, is why out could not be made (a
// malformed target): it is stored as the attempt's error without sending,
// so the user sees it where attempts are listed.
func (s *Sender) attempt(ctx context.Context, kind string, requestID int64, out Outbound, target string, buildErr error) (*storage.Delivery, error) {
	var d *storage.Delivery
	if buildErr != nil {
		d = &storage.Delivery{Time: time.Now(), Method: out.Method, URL: strings.TrimSpace(target), Error: buildErr.Error()}
	} else {
		out.Headers = markSent(out.Headers)
		d = s.Client.Do(ctx, out)
	}
	d.Kind, d.RequestID = kind, requestID
	// The attempt happened: record it even if the caller gave up waiting.
	if err := s.DB.InsertDelivery(context.WithoutCancel(ctx), d); err != nil {
		return d, fmt.Errorf("the attempt was made but could not be stored: %w", err)
	}
	return d, nil
}

// Target is the remembered forward target, "" when none.
func (s *Sender) Target(ctx context.Context) (string, error) {
	v, _, err := s.DB.Setting(ctx, TargetSetting)
	if err != nil {
		return "", fmt.Errorf("cannot read the remembered forward target: %w", err)
	}
	return v, nil
}

// SetTarget remembers target for later replays; "" forgets it. A URL that
// cannot be sent to is refused with the reason.
func (s *Sender) SetTarget(ctx context.Context, target string) error {
	target = strings.TrimSpace(target)
	if target != "" {
		if _, err := ParseTarget(target); err != nil {
			return err
		}
	}
	return s.DB.SetSetting(ctx, TargetSetting, target)
}
