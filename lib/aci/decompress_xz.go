package aci

import "encoding/binary"

// The xz decoder allocates the dictionary a block header asks for, up to
// 4 GiB, before decoding anything. xzFirstDict reads that size from the
// first block header so Decompress can refuse a bomb up front. Later
// blocks are not checked: finding them means decoding the first.
//
// Layout (xz file format 1.0.4, §2.1.1 and §3.1): a 12-byte stream header,
// then a block header of (byte0+1)*4 bytes: flags, optional compressed and
// uncompressed sizes (varints), then per filter an ID, a properties size
// and the properties. LZMA2 (ID 0x21) has one property byte, the
// dictionary size code.

const (
	xzStreamHeader = 12
	xzFilterLZMA2  = 0x21
)

// xzFirstDict returns the LZMA2 dictionary size of the first block, and
// false when head holds no complete block header with an LZMA2 filter.
func xzFirstDict(head []byte) (uint64, bool) {
	if len(head) <= xzStreamHeader || head[xzStreamHeader] == 0 {
		return 0, false // short, or an index: no blocks
	}
	size := (int(head[xzStreamHeader]) + 1) * 4
	if size < 8 || len(head) < xzStreamHeader+size {
		return 0, false
	}
	bh := head[xzStreamHeader+1 : xzStreamHeader+size-4] // drop the CRC32
	return xzBlockDict(bh)
}

func xzBlockDict(bh []byte) (uint64, bool) {
	flags, bh := bh[0], bh[1:]
	var ok bool
	for _, present := range []bool{flags&0x40 != 0, flags&0x80 != 0} {
		if present {
			if _, bh, ok = xzVarint(bh); !ok {
				return 0, false
			}
		}
	}
	for range int(flags&3) + 1 {
		var id, n uint64
		if id, bh, ok = xzVarint(bh); !ok {
			return 0, false
		}
		if n, bh, ok = xzVarint(bh); !ok || uint64(len(bh)) < n {
			return 0, false
		}
		if id == xzFilterLZMA2 && n == 1 {
			return xzDictSize(bh[0]), true
		}
		bh = bh[n:]
	}
	return 0, false
}

func xzVarint(b []byte) (uint64, []byte, bool) {
	v, n := binary.Uvarint(b)
	if n <= 0 {
		return 0, b, false
	}
	return v, b[n:], true
}

// xzDictSize decodes the LZMA2 dictionary size code: 2 or 3 times a power
// of two, from 4 KiB up; 40 means 4 GiB - 1.
func xzDictSize(code byte) uint64 {
	if code >= 40 {
		return 1<<32 - 1
	}
	return uint64(2|code&1) << (code/2 + 11)
}
