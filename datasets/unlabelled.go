package datasets

// Unlabelled is the class id of a pixel that has no label: training may use its image, never its class. Losses
// that accept partial labels score only the labelled pixels (see kd/losses.Objective.PartialLabels); metrics do
// not accept it.
const Unlabelled int32 = -1

// WithoutLabels returns copies of samples whose masks are all Unlabelled: images to learn from without their
// labels, such as a distilled student's unlabelled images. The images are shared with samples, not copied.
func WithoutLabels(samples []Sample) []Sample {
	out := make([]Sample, len(samples))
	for i, s := range samples {
		s.Mask = make([]int32, len(s.Mask))
		for p := range s.Mask {
			s.Mask[p] = Unlabelled
		}
		out[i] = s
	}
	return out
}
