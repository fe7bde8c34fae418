package main

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"

	rmhttp "routemap/http"
)

// Config is the server's configuration. Precedence, lowest first: the
// defaults, a JSON file (--config), ROUTEMAP_* environment variables, flags.
type Config struct {
	Addr              string   `json:"addr"`
	Data              string   `json:"data"`
	BaseURL           string   `json:"base_url,omitempty"`
	TokenTTL          Duration `json:"token_ttl"`
	DailyRequestLimit int      `json:"daily_request_limit"`
	LogLevel          string   `json:"log_level"`
	LogFormat         string   `json:"log_format"`
}

// Duration is a time.Duration written as "2h30m" in JSON.
type Duration time.Duration

// MarshalJSON writes the duration as text.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

// UnmarshalJSON reads "2h30m".
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("a duration is a string such as \"2h\": %w", err)
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return err
	}
	*d = Duration(v)
	return nil
}

// DefaultConfig returns the configuration with every default set.
func DefaultConfig() Config {
	return Config{
		Addr:              "127.0.0.1:8080",
		Data:              "routemap-data",
		TokenTTL:          Duration(rmhttp.DefaultTokenTTL),
		DailyRequestLimit: rmhttp.DefaultDailyRequestLimit,
		LogLevel:          "info",
		LogFormat:         "json",
	}
}

// ParseConfig reads a JSON configuration over c, rejecting unknown keys.
func ParseConfig(r io.Reader, c *Config) error {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(c); err != nil {
		return fmt.Errorf("config: %w", err)
	}
	return nil
}

// ReadConfigFile is ParseConfig over a file.
func ReadConfigFile(path string, c *Config) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("config: %w", err)
	}
	defer f.Close()
	if err := ParseConfig(f, c); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// applyEnv reads ROUTEMAP_* variables over c.
func applyEnv(c *Config, getenv func(string) string) error {
	set := func(name string, f func(string) error) error {
		if v := getenv(name); v != "" {
			if err := f(v); err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
		}
		return nil
	}
	return firstErr(
		set("ROUTEMAP_ADDR", func(v string) error { c.Addr = v; return nil }),
		set("ROUTEMAP_DATA", func(v string) error { c.Data = v; return nil }),
		set("ROUTEMAP_BASE_URL", func(v string) error { c.BaseURL = v; return nil }),
		set("ROUTEMAP_TOKEN_TTL", func(v string) error {
			d, err := time.ParseDuration(v)
			c.TokenTTL = Duration(d)
			return err
		}),
		set("ROUTEMAP_DAILY_REQUEST_LIMIT", func(v string) error {
			n, err := strconv.Atoi(v)
			c.DailyRequestLimit = n
			return err
		}),
		set("ROUTEMAP_LOG_LEVEL", func(v string) error { c.LogLevel = v; return nil }),
		set("LOG_LEVEL", func(v string) error { c.LogLevel = v; return nil }),
	)
}

func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// Validate checks the configuration, naming the field at fault.
func (c *Config) Validate() error {
	switch {
	case c.Addr == "":
		return fmt.Errorf("addr: must not be empty")
	case c.Data == "":
		return fmt.Errorf("data: must not be empty")
	case c.TokenTTL < Duration(time.Minute):
		return fmt.Errorf("token_ttl: %s is shorter than a minute", time.Duration(c.TokenTTL))
	case c.DailyRequestLimit < 1:
		return fmt.Errorf("daily_request_limit: must be at least 1")
	case c.BaseURL != "" && !strings.HasPrefix(c.BaseURL, "http://") && !strings.HasPrefix(c.BaseURL, "https://"):
		return fmt.Errorf("base_url: %q is not an http(s) URL", c.BaseURL)
	case c.LogFormat != "json" && c.LogFormat != "text":
		return fmt.Errorf("log_format: %q is neither json nor text", c.LogFormat)
	}
	if _, err := parseLevel(c.LogLevel); err != nil {
		return fmt.Errorf("log_level: %w", err)
	}
	return nil
}

func parseLevel(s string) (slog.Level, error) {
	var l slog.Level
	err := l.UnmarshalText([]byte(s))
	return l, err
}

// logger builds the server's logger from the configuration.
func (c *Config) logger(w io.Writer) *slog.Logger {
	level, _ := parseLevel(c.LogLevel)
	opts := &slog.HandlerOptions{Level: level}
	if c.LogFormat == "text" {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}
