package trust

// Placeholder so go.mod keeps the OpenPGP module until the package's code
// imports it; delete this file once it does.
import (
	_ "github.com/ProtonMail/go-crypto/openpgp/armor"
	_ "github.com/ProtonMail/go-crypto/openpgp/v2"
)
