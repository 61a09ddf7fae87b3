package kernelext

import (
	"gonum.org/v1/plot/vg/draw"

	"github.com/gokd/gokd/kd/experiment"
	"github.com/gokd/gokd/viz/chart"
	"github.com/gokd/gokd/viz/palette"
)

// KindStyles is the charts' palette by model kind: the same colour (and marker) for a kind in every chart of
// every notebook. The colours are Okabe–Ito's (colour-blind safe), the well-trained teacher's and the adaptive
// student's the same as in the mask overlays (palette.Teacher, palette.Student); the two optional kinds beyond
// them take darker colours. Markers tell teachers (square), limit-trained teachers (triangle) and students
// (circle) apart.
var KindStyles = map[string]chart.Style{
	experiment.TeacherName:                    {Color: palette.Teacher, Shape: draw.BoxGlyph{}},
	experiment.SiteTeacherName:                {Color: palette.Black, Shape: draw.PyramidGlyph{}}, // Tinted per teacher: see ModelStyles.
	string(experiment.StudentScratch):         {Color: palette.Blue},
	string(experiment.StudentScratchAll):      {Color: palette.Yellow},
	string(experiment.StudentSingleKD):        {Color: palette.BluishGreen},
	string(experiment.StudentMeanKD):          {Color: palette.ReddishPurple},
	string(experiment.StudentAdaptiveKD):      {Color: palette.Student},
	string(experiment.StudentAdaptiveClassKD): {Color: palette.Vermillion},
	string(experiment.StudentEntropyKD):       {Color: palette.Wine, Shape: draw.RingGlyph{}},
	string(experiment.StudentAdaptiveSemiKD):  {Color: palette.Indigo, Shape: draw.RingGlyph{}},
	string(experiment.StudentConfidenceKD):    {Color: palette.Teal, Shape: draw.RingGlyph{}},
	string(experiment.StudentScratchCE):       {Color: palette.Olive, Shape: draw.RingGlyph{}},
}

// siteTeacherTints spreads the limit-trained teachers' tints of black: from near black to mid grey.
const siteTeacherTints = 0.6

// ModelKind returns the kind of a model by its name, as KindStyles keys it: "teacher", "site_teacher" for a
// limit-trained teacher ("site_teacher-site0"), a student kind for a student kind or one of its seeds
// ("student_adaptive_kd", "student_adaptive_kd-s3"); "" for any other name.
func ModelKind(name string) string {
	id, err := experiment.ParseModelID(name)
	switch {
	case err != nil:
		return ""
	case id.Role == experiment.RoleTeacher || id.Role == experiment.RoleSiteTeacher:
		return string(id.Role)
	}
	return string(id.Kind)
}

// ModelStyles returns the chart style of each model by name: its kind's (KindStyles), the limit-trained teachers
// told apart by tints in the order given, and the zero Style (the chart's next colour) for names of no kind.
func ModelStyles(names []string) []chart.Style {
	sites := 0
	for _, n := range names {
		if ModelKind(n) == experiment.SiteTeacherName {
			sites++
		}
	}
	styles := make([]chart.Style, len(names))
	k := 0
	for i, n := range names {
		kind := ModelKind(n)
		styles[i] = KindStyles[kind]
		if kind == experiment.SiteTeacherName {
			if sites > 1 {
				styles[i].Color = palette.Tint(styles[i].Color, siteTeacherTints*float64(k)/float64(sites-1))
			}
			k++
		}
	}
	return styles
}
