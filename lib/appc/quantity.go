package appc

import (
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"strings"
)

// ErrBadQuantity is wrapped by the errors of ParseQuantity and
// ParseMilliQuantity.
var ErrBadQuantity = errors.New("bad quantity")

// maxQuantityLen bounds the text of a quantity; longer strings are garbage
// and would only cost time.
const maxQuantityLen = 64

// quantitySuffixes are the multipliers appc allows after a number: binary
// (Ki..Ei), decimal (K or k..E) and milli (m).
var quantitySuffixes = map[string]*big.Rat{
	"":   big.NewRat(1, 1),
	"m":  big.NewRat(1, 1000),
	"k":  pow(10, 3),
	"K":  pow(10, 3),
	"M":  pow(10, 6),
	"G":  pow(10, 9),
	"T":  pow(10, 12),
	"P":  pow(10, 15),
	"E":  pow(10, 18),
	"Ki": pow(2, 10),
	"Mi": pow(2, 20),
	"Gi": pow(2, 30),
	"Ti": pow(2, 40),
	"Pi": pow(2, 50),
	"Ei": pow(2, 60),
}

func pow(base, exp int64) *big.Rat {
	n := new(big.Int).Exp(big.NewInt(base), big.NewInt(exp), nil)
	return new(big.Rat).SetInt(n)
}

// ParseQuantity parses a resource quantity such as "128974848", "125952Ki",
// "123Mi", "1G", "0.5Ki", "300m" or "1e3" into whole base units (bytes,
// operations, ...). Negative values, values that are not a whole number of
// base units and values beyond int64 are errors.
func ParseQuantity(s string) (int64, error) {
	return parseQuantityScaled(s, 1)
}

// ParseMilliQuantity parses a quantity into thousandths of a base unit, as
// CPU quantities are counted: "250m" and "0.25" are 250, "1" is 1000.
func ParseMilliQuantity(s string) (int64, error) {
	return parseQuantityScaled(s, 1000)
}

func parseQuantityScaled(s string, scale int64) (int64, error) {
	n, why := quantityValue(s, scale)
	if why != "" {
		if len(s) > maxQuantityLen {
			s = s[:maxQuantityLen] + "..."
		}
		return 0, fmt.Errorf("%w %q: %s", ErrBadQuantity, s, why)
	}
	return n, nil
}

// quantityValue returns s in 1/scale base units, or why it cannot.
func quantityValue(s string, scale int64) (int64, string) {
	r, err := parseQuantity(s)
	if err != nil {
		return 0, err.Error()
	}
	r.Mul(r, big.NewRat(scale, 1))
	if !r.IsInt() {
		return 0, "not a whole number of units"
	}
	if !r.Num().IsInt64() {
		return 0, "out of range"
	}
	return r.Num().Int64(), ""
}

// parseQuantity returns the exact value of s in base units.
func parseQuantity(s string) (*big.Rat, error) {
	if len(s) > maxQuantityLen {
		return nil, errors.New("too long")
	}
	if strings.HasPrefix(s, "-") {
		return nil, errors.New("must not be negative")
	}
	num, suffix := splitQuantity(strings.TrimPrefix(s, "+"))
	mult, ok := quantitySuffixes[suffix]
	if !ok {
		return nil, errors.New("unknown suffix")
	}
	r, err := parseDecimal(num)
	if err != nil {
		return nil, err
	}
	return r.Mul(r, mult), nil
}

// splitQuantity splits a quantity into its number, with any exponent, and
// its suffix. "1E" is one exa; "1E3" is a thousand.
func splitQuantity(s string) (num, suffix string) {
	i := 0
	for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.') {
		i++
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') && isExponent(s[i+1:]) {
		return s, ""
	}
	return s[:i], s[i:]
}

func isExponent(s string) bool {
	s = strings.TrimLeft(s, "+-")
	return s != "" && allDigits(s)
}

// parseDecimal parses digits with an optional fraction and exponent.
func parseDecimal(s string) (*big.Rat, error) {
	mant, exp, hasExp := strings.Cut(strings.ToLower(s), "e")
	whole, frac, hasDot := strings.Cut(mant, ".")
	if whole == "" && frac == "" || hasDot && frac == "" || !allDigits(whole) || !allDigits(frac) {
		return nil, errors.New("must be a number with an optional suffix")
	}
	r, ok := new(big.Rat).SetString("0" + whole + "." + frac + "0")
	if !ok {
		return nil, errors.New("must be a number with an optional suffix")
	}
	if !hasExp {
		return r, nil
	}
	e, err := strconv.Atoi(exp)
	if err != nil || e < -30 || e > 30 {
		return nil, errors.New("exponent out of range")
	}
	return r.Mul(r, decimalPow(e)), nil
}

func decimalPow(e int) *big.Rat {
	if e < 0 {
		return new(big.Rat).Inv(pow(10, int64(-e)))
	}
	return pow(10, int64(e))
}
