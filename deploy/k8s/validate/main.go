// Command validate decodes every object of a multi-document YAML stream (the output of
// `kustomize build`, on stdin) strictly into the Kubernetes API types of k8s.io/api: an unknown or
// misspelled field, a duplicated key, a value of the wrong type or an unknown kind is an error.
// Kustomize passes any field through unchanged, so without this a typo in a manifest would be
// found only when a cluster refuses it (or, with lenient validation, silently drops it).
//
// On success it prints the decoded objects as one JSON array, so tests assert on what the API
// types understood rather than on the YAML text. Errors go to stderr, one line per object, and
// the exit code is 1.
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"
)

// The API groups these manifests may use; a kind outside them is refused rather than let through.
var groups = []func(*runtime.Scheme) error{
	corev1.AddToScheme,
	appsv1.AddToScheme,
	batchv1.AddToScheme,
	autoscalingv2.AddToScheme,
	policyv1.AddToScheme,
	networkingv1.AddToScheme,
	rbacv1.AddToScheme,
}

func main() {
	scheme := runtime.NewScheme()
	for _, add := range groups {
		if err := add(scheme); err != nil {
			fmt.Fprintf(os.Stderr, "validate: %v\n", err)
			os.Exit(2)
		}
	}

	objects, failures := decodeAll(scheme, os.Stdin)
	for _, failure := range failures {
		fmt.Fprintln(os.Stderr, failure)
	}
	if len(failures) > 0 {
		os.Exit(1)
	}
	if err := json.NewEncoder(os.Stdout).Encode(objects); err != nil {
		fmt.Fprintf(os.Stderr, "validate: %v\n", err)
		os.Exit(2)
	}
}

// decodeAll reads every document and keeps going after a bad one, so one run names every mistake.
func decodeAll(scheme *runtime.Scheme, in io.Reader) ([]runtime.Object, []string) {
	reader := utilyaml.NewYAMLReader(bufio.NewReader(in))
	var objects []runtime.Object
	var failures []string
	for index := 1; ; index++ {
		doc, err := reader.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return objects, append(failures, fmt.Sprintf("document %d: %v", index, err))
		}
		object, err := decode(scheme, doc)
		if err != nil {
			failures = append(failures, fmt.Sprintf("document %d: %v", index, err))
			continue
		}
		if object != nil {
			objects = append(objects, object)
		}
	}
	if len(objects) == 0 && len(failures) == 0 {
		failures = append(failures, "no objects on stdin")
	}
	return objects, failures
}

func decode(scheme *runtime.Scheme, doc []byte) (runtime.Object, error) {
	var meta struct {
		metav1.TypeMeta `json:",inline"`
		Metadata        struct {
			Name string `json:"name"`
		} `json:"metadata"`
	}
	if err := yaml.Unmarshal(doc, &meta); err != nil {
		return nil, err
	}
	if meta.APIVersion == "" && meta.Kind == "" && meta.Metadata.Name == "" {
		return nil, nil // an empty document between two separators
	}
	gvk := schema.FromAPIVersionAndKind(meta.APIVersion, meta.Kind)
	where := fmt.Sprintf("%s %s %q", meta.APIVersion, meta.Kind, meta.Metadata.Name)
	if meta.Metadata.Name == "" {
		return nil, fmt.Errorf("%s: metadata.name is missing", where)
	}
	object, err := scheme.New(gvk)
	if err != nil {
		return nil, fmt.Errorf("%s: unknown kind: %v", where, err)
	}
	if err := yaml.UnmarshalStrict(doc, object); err != nil {
		return nil, fmt.Errorf("%s: %v", where, err)
	}
	return object, nil
}
