// Command serve is the demo's publisher: a static HTTPS server for a
// directory on 127.0.0.1, with a fresh self-signed certificate whose PEM it
// writes to -ca, so the demo's tools can trust it with --ca-file. A request
// with ?ac-discovery=1 gets the index.html of the path's directory, which is
// how an appc discovery page is published on a plain static server.
//
// It also listens as an HTTP CONNECT proxy that tunnels every host to the
// HTTPS server, and its certificate is valid for example.com too: with
// HTTPS_PROXY pointing at the proxy, the demo publishes and fetches
// example.com/hello for real, with no DNS or /etc/hosts change.
//
// It prints "HTTPS_PORT PROXY_PORT" on stdout once listening and serves
// until killed.
package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"flag"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"
)

func main() {
	root := flag.String("root", ".", "directory to serve")
	caOut := flag.String("ca", "ca.pem", "write the certificate PEM here")
	flag.Parse()
	cert, err := selfSigned(*caOut)
	if err != nil {
		log.Fatal(err)
	}
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12})
	if err != nil {
		log.Fatal(err)
	}
	proxy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	go tunnel(proxy, ln.Addr().String())
	fmt.Println(ln.Addr().(*net.TCPAddr).Port, proxy.Addr().(*net.TCPAddr).Port)
	files := http.FileServer(http.Dir(*root))
	srv := &http.Server{ReadHeaderTimeout: 10 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.RawQuery == "ac-discovery=1" {
			http.ServeFile(w, r, filepath.Join(*root, filepath.FromSlash(filepath.Clean("/"+r.URL.Path)), "index.html"))
			return
		}
		files.ServeHTTP(w, r)
	})}
	log.Fatal(srv.Serve(ln))
}

func selfSigned(pemPath string) (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses:           []net.IP{net.ParseIP("127.0.0.1")},
		DNSNames:              []string{"example.com"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, err
	}
	if err := os.WriteFile(pemPath, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644); err != nil {
		return tls.Certificate{}, err
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, nil
}

// tunnel answers CONNECT requests by piping the connection to target.
func tunnel(ln net.Listener, target string) {
	srv := &http.Server{ReadHeaderTimeout: 10 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodConnect {
			http.Error(w, "CONNECT only", http.StatusMethodNotAllowed)
			return
		}
		up, err := net.Dial("tcp", target)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		w.WriteHeader(http.StatusOK)
		conn, buf, err := w.(http.Hijacker).Hijack()
		if err != nil {
			up.Close() //nolint:errcheck // a demo tunnel: nothing to do about it
			return
		}
		go func() {
			io.Copy(up, buf) //nolint:errcheck // a demo tunnel: the peer sees the close
			up.Close()       //nolint:errcheck // a demo tunnel: nothing to do about it
		}()
		io.Copy(conn, up) //nolint:errcheck // as above
		conn.Close()      //nolint:errcheck // a demo tunnel: nothing to do about it
	})}
	log.Fatal(srv.Serve(ln))
}
