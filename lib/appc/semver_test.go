package appc

import "testing"

func TestParseSemVer(t *testing.T) {
	good := map[string]semVer{
		"0.8.11":             {0, 8, 11, nil},
		"1.0.0-alpha.1":      {1, 0, 0, []string{"alpha", "1"}},
		"0.8.11+git.0a1":     {0, 8, 11, nil},
		"0.8.11-rc-1+build":  {0, 8, 11, []string{"rc-1"}},
		"10.20.30":           {10, 20, 30, nil},
		"1.0.0-0A.is.legal":  {1, 0, 0, []string{"0A", "is", "legal"}},
		"1.0.0+0001.leading": {1, 0, 0, nil},
	}
	for s, want := range good {
		v, err := parseSemVer(s)
		if err != nil || v.major != want.major || v.minor != want.minor || v.patch != want.patch || len(v.pre) != len(want.pre) {
			t.Errorf("parseSemVer(%q) = %+v, %v", s, v, err)
		}
	}
	for _, s := range []string{"", "0.8", "v0.8.11", "0.8.11.1", "01.0.0", "0.08.1", "1.0.0-", "1.0.0+",
		"1.0.0-01", "1.0.0-a..b", "1.0.0-a_b", "1.0.0+a+b", " 1.0.0", "1.0.x", "-1.0.0", "99999999999999999999.0.0"} {
		if _, err := parseSemVer(s); err == nil {
			t.Errorf("parseSemVer(%q): want error", s)
		}
	}
}

func TestSemVerNewer(t *testing.T) {
	tests := map[string]bool{"0.8.11": false, "0.8.11-rc1": false, "0.8.12-rc1": true, "0.9.0": true, "0.7.99": false, "1.0.0": true}
	for s, want := range tests {
		v, _ := parseSemVer(s)
		if got := v.newerCore(supportedVersion); got != want {
			t.Errorf("%s newer than %s = %v", s, ACVersion, got)
		}
	}
}
