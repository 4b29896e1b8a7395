package bundle

import (
	"errors"
	"fmt"
	"hash"
	"hash/crc64"
	"io"

	"github.com/vbatts/tar-split/archive/tar"
	"github.com/vbatts/tar-split/tar/storage"
)

// recordTarSplit writes tar-split metadata of the tar read from r to w:
// every header, extension record and padding byte as a segment, and each
// file body as its name, size and CRC-64, which is what lib/imageid's
// Rebuild (and tar-split's own assembler) read back. It reads r directly
// with tar-split's raw-accounting tar reader, so unlike the library's
// NewInputTarStream no pipe hands every 32 KiB between goroutines.
func recordTarSplit(r io.Reader, w io.Writer) error {
	p := storage.NewJSONPacker(w)
	tr := tar.NewReader(r)
	tr.RawAccounting = true
	buf := make([]byte, 256<<10)
	crc := crc64.New(storage.CRCTable)
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		if err := segment(p, tr.RawBytes()); err != nil {
			return err
		}
		if err := fileEntry(p, tr, hdr, crc, buf); err != nil {
			return err
		}
	}
	// The end-of-archive blocks, then whatever padding follows them, a
	// chunk at a time so a long tail costs no memory.
	if err := segment(p, tr.RawBytes()); err != nil {
		return err
	}
	for {
		n, err := r.Read(buf)
		if serr := segment(p, buf[:n]); serr != nil {
			return serr
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

func segment(p storage.Packer, b []byte) error {
	if len(b) == 0 {
		return nil
	}
	_, err := p.AddEntry(storage.Entry{Type: storage.SegmentType, Payload: b})
	return err
}

// fileEntry records one header's body (every header gets an entry, with a
// nil checksum when the body is empty, as tar-split's disassembler does)
// and the padding after it.
func fileEntry(p storage.Packer, tr *tar.Reader, hdr *tar.Header, crc hash.Hash64, buf []byte) error {
	e := storage.Entry{Type: storage.FileType, Size: hdr.Size}
	e.SetName(hdr.Name)
	if hdr.Size > 0 {
		crc.Reset()
		if _, err := io.CopyBuffer(crc, tr, buf); err != nil {
			return fmt.Errorf("%s: %w", hdr.Name, err)
		}
		e.Payload = crc.Sum(nil)
	}
	if _, err := p.AddEntry(e); err != nil {
		return err
	}
	return segment(p, tr.RawBytes())
}
