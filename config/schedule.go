package config

import (
	"strings"

	"github.com/robfig/cron/v3"
)

// Schedule is a job's cron schedule: a standard 5-field spec or a descriptor
// such as "@hourly" or "@every 5m", or off ("off" in the environment).
type Schedule struct {
	// Spec is valid for cron.ParseStandard; "" when Off.
	Spec string
	// Off disables the job's schedule (it can still be run by hand).
	Off bool
}

// String returns the spec, or "off".
func (s Schedule) String() string {
	if s.Off {
		return "off"
	}
	return s.Spec
}

// parseSchedule reads variable name: "off" in any case, or a spec that
// cron.ParseStandard accepts.
func parseSchedule(name, raw string, p *problems) Schedule {
	spec := strings.TrimSpace(raw)
	if strings.EqualFold(spec, "off") {
		return Schedule{Off: true}
	}
	if _, err := cron.ParseStandard(spec); err != nil {
		p.add(name, "must be a 5-field cron spec, a descriptor such as @hourly or @every 5m, or off, got %q (%v)", spec, err)
		return Schedule{}
	}
	return Schedule{Spec: spec}
}
