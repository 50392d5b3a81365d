package send

import "time"

// What tests read of the package's insides; gaff itself does not.

// InstanceID is this gaff's id in LoopHeader.
func InstanceID() string { return instanceID }

// Schedule is a copy of the policy's delays (see profiles), nil for an
// unknown policy.
func Schedule(policy string) []time.Duration {
	p, ok := Profile(policy)
	if !ok {
		return nil
	}
	return append([]time.Duration(nil), p.Steps...)
}
