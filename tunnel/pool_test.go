package tunnel

import "testing"

// --pool reaches ngrok in the endpoint's bind request; without it the
// endpoint is not pooled (a second agent on the URL is refused).
func TestNgrokPoolAsksForAPooledEndpoint(t *testing.T) {
	for _, pool := range []bool{true, false} {
		fake := newFakeNgrok(t)
		opts := fake.options(fakeToken)
		opts.URL = "https://gaff-team.ngrok.app"
		opts.Pool = pool
		tun, err := Ngrok(t.Context(), opts)
		if err != nil {
			t.Fatal(err)
		}
		waitFor(t, tun, "Online", status(Online))
		if got := fake.lastBind().Extra.PoolingEnabled; got != pool {
			t.Errorf("Pool %v: the SDK asked for pooling %v", pool, got)
		}
		tun.Close()
	}
}
