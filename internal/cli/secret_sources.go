package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strings"

	"github.com/spf13/pflag"

	"gaff/policy"
	"gaff/provider"
)

// A secret given as a flag shows in ps and in shell history. Each secret
// gaff takes can come instead from a file only its owner can read, or from
// the environment.

// secretEnvPrefix names provider secrets in the environment:
// GAFF_SECRET_GITHUB, GAFF_SECRET_STANDARD_WEBHOOKS, GAFF_SECRET_META_VERIFY_TOKEN.
const secretEnvPrefix = "GAFF_SECRET_"

// maxSecretFile bounds what is read from a secrets file or standard input:
// a few lines of secrets, not a stray log someone pointed gaff at.
const maxSecretFile = 64 << 10

// secretFlags give provider secrets: --secret PROVIDER=SECRET, the lines
// of --secret-file, and GAFF_SECRET_<PROVIDER>. For one provider the flag
// wins over the file, and the file over the environment.
type secretFlags struct {
	specs []string
	file  string
}

func (f *secretFlags) add(fl *pflag.FlagSet, usage string) {
	fl.StringArrayVar(&f.specs, "secret", nil, usage)
	fl.StringVar(&f.file, "secret-file", "", "read PROVIDER=SECRET lines from this file (yours alone: chmod 600; # starts a comment); "+
		"GAFF_SECRET_<PROVIDER> variables are read too")
}

// resolve returns the secrets by provider id, and where each came from
// (the flag, the file, or the variable), for the settings screen to say.
func (f *secretFlags) resolve() (secrets, from map[string]string, err error) {
	secrets, from = map[string]string{}, map[string]string{}
	env := os.Environ()
	slices.Sort(env) // the same error first, whatever the order of the environment
	for _, kv := range env {
		name, value, _ := strings.Cut(kv, "=")
		key, ok := strings.CutPrefix(name, secretEnvPrefix)
		if !ok || value == "" {
			continue
		}
		id, err := providerSecret(strings.ReplaceAll(strings.ToLower(key), "_", "-"), value)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w; fix it, or unset %s", name, err, name)
		}
		secrets[id], from[id] = value, name
	}
	if f.file != "" {
		text, err := readPrivateFile("--secret-file", f.file)
		if err != nil {
			return nil, nil, err
		}
		for i, line := range strings.Split(text, "\n") {
			line = strings.TrimSpace(line)
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			// In a file, spaces around = are layout ("github = …").
			if id, secret, ok := strings.Cut(line, "="); ok {
				line = id + "=" + strings.TrimSpace(secret)
			}
			id, secret, err := parseSecretSpec(line)
			if err != nil {
				return nil, nil, fmt.Errorf("--secret-file %s, line %d: %w", f.file, i+1, err)
			}
			secrets[id], from[id] = secret, "--secret-file"
		}
	}
	for _, s := range f.specs {
		id, secret, err := parseSecretSpec(s)
		if err != nil {
			flag := "--secret"
			if name, _, ok := strings.Cut(s, "="); ok {
				flag += " " + strings.TrimSpace(name)
			}
			return nil, nil, fmt.Errorf("%s: %w", flag, err)
		}
		secrets[id], from[id] = secret, "--secret "+id
	}
	return secrets, from, nil
}

// secretAliases are names users type for provider ids.
var secretAliases = map[string]string{"svix": provider.StandardWebhooks, "standard": provider.StandardWebhooks,
	"twitter": provider.X, "graph": provider.MSGraph, "microsoft": provider.MSGraph}

// parseSecretSpec reads PROVIDER=SECRET. Errors show the secret masked.
func parseSecretSpec(s string) (id, secret string, err error) {
	id, secret, ok := strings.Cut(s, "=")
	if !ok || secret == "" {
		return "", "", fmt.Errorf("%q is not PROVIDER=SECRET; write e.g. github=mysecret", policy.Mask(s))
	}
	id, err = providerSecret(strings.TrimSpace(id), secret)
	return id, secret, err
}

// providerSecret is the provider id that name (an id or an alias) stands
// for, when secret is one that provider's signatures can be checked with.
func providerSecret(name, secret string) (string, error) {
	id := strings.ToLower(name)
	if alias, ok := secretAliases[id]; ok {
		id = alias
	}
	if !slices.Contains(provider.IDs(), id) && id != policy.MetaVerifyTokenKey {
		return "", fmt.Errorf("%q is not a provider gaff knows (%s, %s)", id, strings.Join(provider.IDs(), ", "), policy.MetaVerifyTokenKey)
	}
	if err := provider.CheckSecret(id, secret); err != nil {
		return "", err
	}
	return id, nil
}

// valueSource is a value given by a flag, else read from a file, else from
// an environment variable, with the name of where it came from.
func valueSource(flag, value, fileFlag, file, envName string) (v, from string, err error) {
	switch {
	case value != "":
		return value, flag, nil
	case file != "":
		text, err := readPrivateFile(fileFlag, file)
		return strings.TrimSpace(text), fileFlag, err
	}
	return os.Getenv(envName), envName, nil
}

// readPrivateFile reads a file of secrets. One that other users can read
// (or write) is refused, as ssh refuses such a key: the secret is out.
func readPrivateFile(flag, path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("%s %s: %w", flag, path, errors.Unwrap(err))
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return "", fmt.Errorf("%s %s: %w", flag, path, err)
	}
	// Pipes (<(pass show …)) and Windows files have no such bits to check.
	if perm := st.Mode().Perm(); st.Mode().IsRegular() && perm&0o077 != 0 && runtime.GOOS != "windows" {
		return "", fmt.Errorf("%s %s: other users can read or write it (mode %04o); make it yours alone: chmod 600 %s", flag, path, perm, path)
	}
	b, err := io.ReadAll(io.LimitReader(f, maxSecretFile+1))
	if err != nil {
		return "", fmt.Errorf("%s %s: %w", flag, path, err)
	}
	if len(b) > maxSecretFile {
		return "", fmt.Errorf("%s %s: the file is over %d KiB; it should hold secrets, a line each", flag, path, maxSecretFile>>10)
	}
	return string(b), nil
}
