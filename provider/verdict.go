package provider

// Mark is the one-cell sign every view shows for what gaff made of a
// capture: ⇄ it answered a handshake, ✓/✗ the signature checked out or
// not, ? there was no secret to check it, and "" for unsigned (or not yet
// judged) requests, which carry nothing to judge.
func Mark(handshake, signature string) string {
	switch {
	case handshake != "":
		return "⇄"
	case signature == Valid:
		return "✓"
	case signature == Invalid:
		return "✗"
	case signature == NoSecret:
		return "?"
	}
	return ""
}
