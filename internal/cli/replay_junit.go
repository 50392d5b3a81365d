package cli

import (
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"gaff/sanitize"
)

// JUnit XML as CI systems read it (Jenkins, GitLab, GitHub Actions
// reporters): one testsuite, a testcase a fixture, a failure for each one
// that did not pass.
type junitSuite struct {
	XMLName  xml.Name    `xml:"testsuite"`
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Time     string      `xml:"time,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

func seconds(d time.Duration) string { return fmt.Sprintf("%.3f", d.Seconds()) }

// junitOf is results as one testsuite named for dir. Failure text is
// sanitised: XML 1.0 cannot carry most control characters at all.
func junitOf(dir string, results []ciResult) junitSuite {
	s := junitSuite{Name: "gaff replay " + dir, Tests: len(results)}
	var total time.Duration
	for i := range results {
		r := &results[i]
		c := junitCase{Name: filepath.Base(r.Case.Path), Classname: "gaff.replay", Time: seconds(0)}
		if r.Delivery != nil {
			c.Time = seconds(r.Delivery.Duration)
			total += r.Delivery.Duration
		}
		if !r.passed() {
			s.Failures++
			text := append(append([]string(nil), r.Failures...), r.Changes...)
			c.Failure = &junitFailure{Message: sanitize.Line(r.Failures[0]), Type: "assertion", Text: sanitize.String(strings.Join(text, "\n"))}
		}
		s.Cases = append(s.Cases, c)
	}
	s.Time = seconds(total)
	return s
}

// writeJUnit writes results to path, whole or not at all.
func writeJUnit(path, dir string, results []ciResult) error {
	b, err := xml.MarshalIndent(junitOf(dir, results), "", "  ")
	if err != nil {
		return err
	}
	b = append([]byte(xml.Header), append(b, '\n')...)
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return fmt.Errorf("--junit: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("--junit: %w", err)
	}
	return nil
}
