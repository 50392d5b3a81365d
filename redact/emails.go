package redact

import (
	"regexp"
	"strconv"
	"strings"
)

// emailPattern is loose on purpose: a false match costs a readable value,
// a miss leaks an address.
var emailPattern = regexp.MustCompile(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}`)

// emails numbers the addresses of one request in order of first sight, so
// equal addresses stay equal (compared case-insensitively, as mail
// domains are) and different ones stay different.
type emails struct {
	seen map[string]string
}

func (e *emails) replace(s string) string {
	if !strings.Contains(s, "@") {
		return s
	}
	return emailPattern.ReplaceAllStringFunc(s, e.placeholder)
}

func (e *emails) placeholder(addr string) string {
	key := strings.ToLower(addr)
	if p, ok := e.seen[key]; ok {
		return p
	}
	if e.seen == nil {
		e.seen = map[string]string{}
	}
	p := "user" + strconv.Itoa(len(e.seen)+1) + "@example.com"
	e.seen[key] = p
	return p
}
