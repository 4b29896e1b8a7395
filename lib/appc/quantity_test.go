package appc

import (
	"errors"
	"testing"
)

func TestParseQuantity(t *testing.T) {
	tests := map[string]int64{
		"0": 0, "128974848": 128974848, "125952Ki": 128974848, "123Mi": 128974848,
		"1G": 1e9, "1K": 1000, "1k": 1000, "2M": 2e6, "1T": 1e12, "1P": 1e15, "1E": 1e18,
		"1Gi": 1 << 30, "1.5Gi": 3 << 29, "0.5Ki": 512, "1Ti": 1 << 40, "1Pi": 1 << 50, "7Ei": 7 << 60,
		"1e3": 1000, "1E3": 1000, "2.5e2": 250, "5000m": 5, "1e-0": 1, "+3": 3, ".5K": 500,
		"9223372036854775807": 9223372036854775807,
	}
	for s, want := range tests {
		if got, err := ParseQuantity(s); err != nil || got != want {
			t.Errorf("ParseQuantity(%q) = %d, %v; want %d", s, got, err, want)
		}
	}
	for _, s := range []string{"", "-1", "abc", "1x", "1KiB", "1 G", "1.", ".", "1..2", "0.5", "1m",
		"1e", "1e3K", "e3", "1e99", "8Ei", "9223372036854775808", "1,000", "0x10", "١", "NaN", "Inf"} {
		if n, err := ParseQuantity(s); !errors.Is(err, ErrBadQuantity) {
			t.Errorf("ParseQuantity(%q) = %d, %v; want ErrBadQuantity", s, n, err)
		}
	}
}

func TestParseMilliQuantity(t *testing.T) {
	tests := map[string]int64{"250m": 250, "0.25": 250, "1": 1000, "2": 2000, "0.001": 1, "1e-3": 1, "20m": 20}
	for s, want := range tests {
		if got, err := ParseMilliQuantity(s); err != nil || got != want {
			t.Errorf("ParseMilliQuantity(%q) = %d, %v; want %d", s, got, err, want)
		}
	}
	for _, s := range []string{"0.0001", "-250m", "9223372036854776", "1mm"} {
		if _, err := ParseMilliQuantity(s); err == nil {
			t.Errorf("ParseMilliQuantity(%q): want error", s)
		}
	}
}
