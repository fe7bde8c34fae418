package routemap

import (
	"sort"
	"strings"
)

// languages are the values of the Language restricted picklist that
// routemap knows: Salesforce's fully supported and end-user languages.
// A value shaped like a locale but missing here draws a warning, not an
// error, since orgs gain languages over time.
var languages = map[string]bool{
	// Fully supported.
	"zh_CN": true, "zh_TW": true, "da": true, "nl_NL": true, "en_US": true, "fi": true,
	"fr": true, "de": true, "it": true, "ja": true, "ko": true, "no": true, "pt_BR": true,
	"ru": true, "es": true, "es_MX": true, "sv": true, "th": true,
	// End user.
	"ar": true, "bg": true, "hr": true, "cs": true, "en_GB": true, "et": true, "el": true,
	"iw": true, "hu": true, "in": true, "lv": true, "lt": true, "pl": true, "pt_PT": true,
	"ro": true, "sk": true, "sl": true, "tr": true, "uk": true, "vi": true, "en_AU": true,
	"en_CA": true, "en_IN": true, "en_MY": true, "en_PH": true, "fr_CA": true, "ca": true,
	"ms": true, "hi": true, "is": true, "ga": true, "sr": true, "sh": true, "mt": true,
	"lb": true, "mk": true, "sq": true, "bs": true, "eu": true, "hy": true, "ka": true,
}

// languageFor returns the known picklist value that s means when it differs
// only in case or separator ("en-us" → "en_US"), or "".
func languageFor(s string) string {
	norm := strings.ReplaceAll(s, "-", "_")
	for l := range languages {
		if strings.EqualFold(l, norm) {
			return l
		}
	}
	return ""
}

// localeShaped reports whether s looks like a Salesforce locale code:
// two or three lower-case letters, optionally _ and two upper-case letters.
func localeShaped(s string) bool {
	lang, country, hasCountry := strings.Cut(s, "_")
	if len(lang) < 2 || len(lang) > 3 {
		return false
	}
	for i := 0; i < len(lang); i++ {
		if lang[i] < 'a' || lang[i] > 'z' {
			return false
		}
	}
	if !hasCountry {
		return true
	}
	if len(country) != 2 {
		return false
	}
	return country[0] >= 'A' && country[0] <= 'Z' && country[1] >= 'A' && country[1] <= 'Z'
}

// Languages returns the Language picklist values routemap knows, sorted.
func Languages() []string {
	out := make([]string, 0, len(languages))
	for l := range languages {
		out = append(out, l)
	}
	sort.Strings(out)
	return out
}
