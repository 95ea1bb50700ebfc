// Command query_job queries one job and prints it.
//
//	query_job JOB_ID
//
// Configured from the environment like the demo: CIBATCH_BUCKET, CIBATCH_REGION, optional CIBATCH_ENDPOINT,
// and TENCENTCLOUD_SECRET_ID / TENCENTCLOUD_SECRET_KEY / TENCENTCLOUD_SESSION_TOKEN.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	cibatch "github.com/cibatch/cibatch/bindings/go"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintf(os.Stderr, "usage: %s JOB_ID\n", os.Args[0])
		os.Exit(2)
	}
	client, err := cibatch.NewClientFromEnv()
	if err != nil {
		fmt.Fprintln(os.Stderr, "configuration:", err)
		os.Exit(1)
	}
	defer client.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	job, err := client.DescribeJob(ctx, os.Args[1])
	if err != nil {
		var se *cibatch.ServiceError
		if errors.As(err, &se) {
			fmt.Fprintf(os.Stderr, "service error %d %s: %s (request id %s)\n", se.Status, se.Code, se.Message, se.RequestID)
		} else {
			fmt.Fprintln(os.Stderr, err)
		}
		os.Exit(1)
	}
	fmt.Printf("job %s\n", job.JobID)
	for _, f := range [][2]string{
		{"name", job.Name}, {"type", job.Type}, {"state", job.State}, {"code", job.Code}, {"message", job.Message},
		{"created", job.CreationTime}, {"started", job.StartTime}, {"ended", job.EndTime},
		{"input prefix", job.Prefix}, {"input manifest", job.Manifest}, {"input url file", job.URLFile},
		{"input object", job.Object}, {"workflow", job.WorkflowIDs}, {"tag", job.Tag}, {"template", job.TemplateID},
		{"output bucket", job.OutputBucket}, {"output object", job.OutputObject}, {"queue", job.QueueID},
	} {
		if f[1] != "" {
			fmt.Printf("  %-16s %s\n", f[0], f[1])
		}
	}
}
