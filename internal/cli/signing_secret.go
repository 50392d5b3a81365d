package cli

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/pflag"
)

// oneSecret is a signing secret given as --secret VALUE, --secret - (the
// first line of standard input), --secret-file PATH or --secret-env NAME.
type oneSecret struct{ value, file, env string }

func (s *oneSecret) add(fl *pflag.FlagSet) {
	fl.StringVar(&s.value, "secret", "", "signing secret; - reads it from standard input")
	fl.StringVar(&s.file, "secret-file", "", "read the signing secret from this file (yours alone: chmod 600)")
	fl.StringVar(&s.env, "secret-env", "", "read the signing secret from this environment variable")
}

// read returns the secret, "" when none was given. Surrounding spaces and
// the line break a file or a pipe ends with are not part of it.
func (s *oneSecret) read(stdin io.Reader) (string, error) {
	if given(s.value, s.file, s.env) > 1 {
		return "", errors.New("--secret, --secret-file and --secret-env each give the secret; pick one")
	}
	var text, src string
	switch {
	case s.value == "-":
		src = "--secret -"
		line, err := bufio.NewReader(io.LimitReader(stdin, maxSecretFile)).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return "", fmt.Errorf("%s: cannot read standard input: %w", src, err)
		}
		text = line
	case s.file != "":
		var err error
		if text, err = readPrivateFile("--secret-file", s.file); err != nil {
			return "", err
		}
		src = "--secret-file " + s.file
	case s.env != "":
		src, text = "--secret-env "+s.env, os.Getenv(s.env)
		if text == "" {
			return "", fmt.Errorf("%s: %s is not set, or empty; export it, or give the secret with --secret-file", src, s.env)
		}
	default:
		return s.value, nil
	}
	if text = strings.TrimSpace(text); text == "" {
		return "", fmt.Errorf("%s: the secret is empty; put the secret itself there", src)
	}
	return text, nil
}
