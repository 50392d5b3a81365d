package send

import (
	"crypto/rand"
	"encoding/hex"
	"slices"
	"strings"

	"gaff/storage"
)

// LoopHeader lists the gaffs a request was sent on by, one id each: every
// forward, replay and edited send adds this gaff's id to those the capture
// already carried. A capture that arrives with this gaff's own id was sent
// by it and came back (--forward-to pointing at gaff itself however it is
// spelled, through a tunnel, or through other gaffs), and is not sent on
// again; a chain through other gaffs still works.
const LoopHeader = "Gaff-Forwarded-By"

// instanceID tells this process's requests from every other gaff's.
var instanceID = func() string {
	b := make([]byte, 8)
	rand.Read(b)
	return hex.EncodeToString(b)
}()

// markSent adds this gaff's id to h, leaving the ids already there.
func markSent(h storage.Headers) storage.Headers {
	return append(slices.Clip(h), storage.Header{Name: LoopHeader, Value: instanceID})
}

// cameBack reports whether r was sent by this gaff: its own id is among
// the ids r carries (one per header line, or a comma-separated list).
func cameBack(r *storage.Request) bool {
	for _, v := range r.Headers.Values(LoopHeader) {
		for id := range strings.SplitSeq(v, ",") {
			if strings.TrimSpace(id) == instanceID {
				return true
			}
		}
	}
	return false
}
