package trust

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/ProtonMail/go-crypto/openpgp/armor"
)

var (
	armorBegin = []byte("-----BEGIN ")
	armorEnd   = []byte("-----END ")
	armorTail  = []byte("-----")
)

// armorBlock is one "-----BEGIN TYPE-----" ... "-----END TYPE-----" block.
type armorBlock struct {
	Type string
	Text []byte // the block's lines, BEGIN and END included
}

// isArmored reports whether data holds an armor header line.
func isArmored(data []byte) bool {
	for line := range bytes.Lines(data) {
		if _, ok := beginType(line); ok {
			return true
		}
	}
	return false
}

// splitArmor cuts data into its armored blocks. go-crypto's armor.Decode
// reads past the end of a block, so decoding several blocks from one
// reader loses keys (go-deps.md 3.6): each block is decoded on its own.
// Text between blocks is ignored, as gpg does; a block without its END
// line is an error.
func splitArmor(data []byte) ([]armorBlock, error) {
	var blocks []armorBlock
	var cur *armorBlock
	start := 0
	for off := 0; off < len(data); {
		line := nextLine(data[off:])
		if cur == nil {
			if typ, ok := beginType(line); ok {
				cur, start = &armorBlock{Type: typ}, off
			}
		} else if typ, ok := endType(line); ok {
			if typ != cur.Type {
				return nil, fmt.Errorf("malformed armor: %q block ends with END %q", cur.Type, typ)
			}
			cur.Text = data[start : off+len(line)]
			blocks = append(blocks, *cur)
			cur = nil
		} else if _, ok := beginType(line); ok {
			return nil, fmt.Errorf("malformed armor: %q block has no END line", cur.Type)
		}
		off += len(line)
	}
	if cur != nil {
		return nil, fmt.Errorf("malformed armor: %q block has no END line", cur.Type)
	}
	return blocks, nil
}

func nextLine(b []byte) []byte {
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		return b[:i+1]
	}
	return b
}

func beginType(line []byte) (string, bool) { return armorLineType(line, armorBegin) }

func endType(line []byte) (string, bool) { return armorLineType(line, armorEnd) }

func armorLineType(line, head []byte) (string, bool) {
	line = bytes.TrimSpace(line)
	if !bytes.HasPrefix(line, head) || !bytes.HasSuffix(line, armorTail) || len(line) < len(head)+len(armorTail) {
		return "", false
	}
	return string(line[len(head) : len(line)-len(armorTail)]), true
}

// decodeArmor returns the binary body of one block, bounded by limit.
func decodeArmor(b armorBlock, limit int64) ([]byte, error) {
	blk, err := armor.Decode(bytes.NewReader(b.Text))
	if err != nil {
		if errors.Is(err, io.EOF) {
			err = errors.New("bad armor header lines")
		}
		return nil, fmt.Errorf("malformed armor in %q block: %w", b.Type, err)
	}
	body, err := io.ReadAll(io.LimitReader(blk.Body, limit))
	if err != nil {
		return nil, fmt.Errorf("malformed armor in %q block: %w", b.Type, err)
	}
	return body, nil
}

// readLimited reads all of r, refusing more than limit bytes.
func readLimited(r io.Reader, limit int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("larger than %d bytes", limit)
	}
	return data, nil
}
