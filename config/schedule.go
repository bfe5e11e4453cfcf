package config

import (
	"fmt"
	"strings"

	"github.com/robfig/cron/v3"
)

// off is the text of a schedule that is off, in any case.
const off = "off"

// Schedule is a job's cron schedule: a standard 5-field spec or a descriptor
// such as "@hourly" or "@every 5m", or off ("off", in any case, in the
// environment). Load parses the spec once; Cron returns the result.
type Schedule struct {
	// Spec is valid for cron.ParseStandard; "" when Off.
	Spec string
	// Off disables the job's schedule (it can still be run by hand).
	Off bool

	cron cron.Schedule // Spec parsed; nil when Off
}

// Cron returns the parsed schedule, for the scheduler and the readiness
// check; nil when the schedule is off.
func (s Schedule) Cron() cron.Schedule {
	return s.cron
}

// String returns the spec, or "off".
func (s Schedule) String() string {
	if s.Off {
		return off
	}
	return s.Spec
}

// Equal reports whether s and o are the same schedule. It also lets go-cmp
// compare Configs without looking at the parsed form.
func (s Schedule) Equal(o Schedule) bool {
	return s.Spec == o.Spec && s.Off == o.Off
}

// ParseSchedule parses spec: "off" in any case, or a spec that
// cron.ParseStandard accepts. It is the one place a schedule is parsed.
func ParseSchedule(spec string) (Schedule, error) {
	spec = strings.TrimSpace(spec)
	if strings.EqualFold(spec, off) {
		return Schedule{Off: true}, nil
	}
	sched, err := cron.ParseStandard(spec)
	if err != nil {
		return Schedule{}, fmt.Errorf("must be a 5-field cron spec, a descriptor such as @hourly or @every 5m, or off, got %q (%w)", spec, err)
	}
	return Schedule{Spec: spec, cron: sched}, nil
}

// parseSchedule reads variable name with ParseSchedule, noting a problem.
func parseSchedule(name, raw string, p *problems) Schedule {
	s, err := ParseSchedule(raw)
	if err != nil {
		p.add(name, "%v", err)
	}
	return s
}
