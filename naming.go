package routemap

import (
	"fmt"

	"routemap/sfid"
)

// DeveloperNameFor returns the DeveloperName the help article prescribes
// for a user's routing map: User_<18-char user id>_<18-char contact center id>.
func DeveloperNameFor(user, center sfid.ID) string {
	return "User_" + string(user) + "_" + string(center)
}

// MasterLabelFor returns the MasterLabel the help article prescribes for a
// user's routing map: the 18-character user id.
func MasterLabelFor(user sfid.ID) string { return string(user) }

// CheckDeveloperName applies Salesforce's API-name rules: letters, digits and
// underscores only; starts with a letter; no two underscores in a row; does
// not end with an underscore. It returns nil for a valid name, else an error
// that names the offending character. Length is checked separately.
func CheckDeveloperName(s string) error {
	if s == "" {
		return fmt.Errorf("DeveloperName is empty")
	}
	if c := s[0]; !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z') {
		return fmt.Errorf("DeveloperName %q starts with %q; it must start with a letter, which is why the article's form starts with \"User_\"", s, firstRune(s))
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		case c == '_':
			if s[i-1] == '_' {
				return fmt.Errorf("DeveloperName %q has two underscores in a row at position %d; Salesforce API names may not contain \"__\"", s, i)
			}
		default:
			return fmt.Errorf("DeveloperName %q has %q at position %d; only letters, digits and underscores are allowed", s, firstRune(s[i:]), i+1)
		}
	}
	if s[len(s)-1] == '_' {
		return fmt.Errorf("DeveloperName %q ends with an underscore, which Salesforce API names may not", s)
	}
	return nil
}

func firstRune(s string) rune {
	for _, r := range s {
		return r
	}
	return 0
}
