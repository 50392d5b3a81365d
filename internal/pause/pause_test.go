package pause

import (
	"context"
	"testing"
	"time"
)

func TestForWaitsOutItsTime(t *testing.T) {
	start := time.Now()
	if !For(context.Background(), 20*time.Millisecond) {
		t.Fatal("For reported a cancelled context")
	}
	if waited := time.Since(start); waited < 20*time.Millisecond {
		t.Errorf("For returned after %v, before its 20ms", waited)
	}
}

func TestForEndsWithItsContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if For(ctx, time.Hour) {
		t.Fatal("For waited out an hour on a cancelled context")
	}
}
