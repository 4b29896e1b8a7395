package aci

import (
	"hash"
	"hash/crc64"
	"io"

	"github.com/klauspost/compress/gzip"
	"github.com/vbatts/tar-split/tar/storage"
)

// splitRecorder produces tar-split metadata while the tar is written,
// without parsing it back. It sits between tar.Writer and its destination
// and sorts every byte by the call that wrote it:
//
//   - WriteHeader and Close (padding, PAX records, header blocks, the end
//     of archive) become storage.SegmentType entries;
//   - file bodies become one storage.FileType entry per header, holding the
//     CRC-64/ISO of the body, as asm.NewInputTarStreamWithDone records it.
//
// The manifest body stays in a segment of its own, after the segment with
// its header, so reassembly needs only the rootfs tree on disk while
// asm.IterateHeaders still finds the next header after the manifest's
// padding.
//
// All methods accept a nil receiver, which records nothing.
type splitRecorder struct {
	w      io.Writer
	zw     *gzip.Writer
	packer storage.Packer
	seg    []byte
	inFile bool
	crc    hash.Hash64
	err    error
}

func newSplitRecorder(w, meta io.Writer) *splitRecorder {
	zw := gzip.NewWriter(meta)
	return &splitRecorder{
		w:      w,
		zw:     zw,
		packer: storage.NewJSONPacker(zw),
		crc:    crc64.New(storage.CRCTable),
	}
}

func (r *splitRecorder) Write(b []byte) (int, error) {
	if r.inFile {
		r.crc.Write(b)
	} else {
		r.seg = append(r.seg, b...)
	}
	return r.w.Write(b)
}

// endSegment emits the bytes written since the last entry as a segment.
// The packer encodes synchronously, so the buffer is reused at once.
func (r *splitRecorder) endSegment() {
	if r == nil || len(r.seg) == 0 || r.err != nil {
		return
	}
	_, r.err = r.packer.AddEntry(storage.Entry{Type: storage.SegmentType, Payload: r.seg})
	r.seg = r.seg[:0]
}

// beginFile routes the following writes to the body checksum.
func (r *splitRecorder) beginFile() {
	if r == nil {
		return
	}
	r.inFile = true
	r.crc.Reset()
}

// addFile records the entry of one header. Like tar-split's own
// disassembler it does so for every header, with a nil checksum when the
// body is empty, so unpackers see the same entry sequence.
func (r *splitRecorder) addFile(name string, size int64) error {
	if r == nil || r.err != nil {
		return r.error()
	}
	e := storage.Entry{Type: storage.FileType, Size: size}
	e.SetName(name)
	if size > 0 {
		e.Payload = r.crc.Sum(nil)
	}
	r.inFile = false
	_, r.err = r.packer.AddEntry(e)
	return r.err
}

// close emits the trailing segment (last padding and the two zero
// blocks) and flushes the gzip stream.
func (r *splitRecorder) close() error {
	if r == nil {
		return nil
	}
	r.endSegment()
	if r.err != nil {
		return r.err
	}
	return r.zw.Close()
}

func (r *splitRecorder) error() error {
	if r == nil {
		return nil
	}
	return r.err
}
