"""The seed system's product catalog, with the vocabulary that makes synthetic tickets read real.

57 products and 81 issue types, exactly those of the seed system. Every product carries:

* ``short`` — the name support staff and customers use ("EC2", "Route 53").
* ``named`` — noun phrases that *name* the product ("our EC2 instances", "Amazon EC2").
* ``nouns`` — noun phrases that refer to it *without* naming it ("the instance", "our web servers").
  The text composer picks from ``named`` only for a minority of tickets, so a routing model cannot
  learn the label from a fixed phrase.
* ``vocab`` — service vocabulary customers drop into their descriptions.
* ``resources`` — resource-id templates (``i-{h17}``, ``{app}-{env}-db``), filled per ticket.

Every issue type carries subject ``topics`` (paraphrases of the issue), ``symptoms`` (clauses, lower
case, no final period), literal ``errors``, ``metrics`` clauses, things customers already ``tried``
(regular past-tense verb phrases, so they read after both "we" and "we have"), ``questions`` a happy
customer asks, and for the support reply the troubleshooting ``steps`` and information ``asks``.
Steps and asks are formal: no contractions, no apostrophes, no exclamation marks.

Strings may contain ``{slot}`` placeholders filled per ticket; see ``text.SLOT_NAMES``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class IssueType:
    name: str
    topics: tuple[str, ...]
    symptoms: tuple[str, ...]
    errors: tuple[str, ...]
    metrics: tuple[str, ...]
    tried: tuple[str, ...]
    questions: tuple[str, ...]
    steps: tuple[str, ...]
    asks: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Product:
    name: str
    short: str
    named: tuple[str, ...]
    nouns: tuple[str, ...]
    vocab: tuple[str, ...]
    resources: tuple[str, ...]
    issues: tuple[IssueType, ...]
    weight: float = 1.0  # relative ticket volume


def _i(
    name: str,
    *,
    topics: tuple[str, ...],
    symptoms: tuple[str, ...],
    errors: tuple[str, ...],
    metrics: tuple[str, ...],
    tried: tuple[str, ...],
    questions: tuple[str, ...],
    steps: tuple[str, ...],
    asks: tuple[str, ...],
) -> IssueType:
    return IssueType(name, topics, symptoms, errors, metrics, tried, questions, steps, asks)


def _p(
    name: str,
    short: str,
    *,
    named: tuple[str, ...],
    nouns: tuple[str, ...],
    vocab: tuple[str, ...],
    resources: tuple[str, ...],
    issues: tuple[IssueType, ...],
    weight: float = 1.0,
) -> Product:
    return Product(name, short, named, nouns, vocab, resources, issues, weight)


PRODUCTS: tuple[Product, ...] = (
    # ---------------------------------------------------------------------------------- compute
    _p(
        "Amazon EC2",
        "EC2",
        named=("our EC2 instances", "the EC2 instance", "Amazon EC2", "EC2", "an EC2 host"),
        nouns=(
            "the instance",
            "our instances",
            "the web servers",
            "one of our hosts",
            "the application servers",
        ),
        vocab=(
            "security group",
            "instance profile",
            "AMI",
            "ENI",
            "status checks",
            "key pair",
            "user data script",
            "launch template",
            "Elastic IP",
            "instance metadata service",
        ),
        resources=("i-{h17}",),
        weight=2.5,
        issues=(
            _i(
                "Instance Connectivity",
                topics=(
                    "Cannot SSH into instance",
                    "Instance unreachable after reboot",
                    "Intermittent connection timeouts to app servers",
                    "Host not reachable on port 443",
                ),
                symptoms=(
                    "SSH connections to {res} time out after about 30 seconds",
                    "the instance stopped responding on port 443 even though the console shows it as running",
                    "we can reach the private IP {ip} from inside the VPC but nothing gets through from outside",
                    "after a routine reboot the host never came back on the network",
                    "roughly one in five connections to the app servers is reset",
                ),
                errors=(
                    "ssh: connect to host {ip} port 22: Connection timed out",
                    "Instance reachability check failed",
                    "curl: (7) Failed to connect to {ip} port 443: Connection refused",
                    "kex_exchange_identification: read: Connection reset by peer",
                ),
                metrics=(
                    "StatusCheckFailed_Instance has been at 1 for the last {n2} minutes",
                    "NetworkIn drops to zero for several minutes at a time",
                    "the system status check passes but the instance status check fails",
                ),
                tried=(
                    "rebooted the instance twice",
                    "compared the security group rules with a working host",
                    "detached and reattached the Elastic IP",
                    "checked the route table and network ACL",
                ),
                questions=(
                    "what is the recommended way to give engineers shell access without opening port 22 to the internet?",
                    "is there a way to get notified automatically when a reachability check fails?",
                    "should we move our bastion hosts to Session Manager?",
                ),
                steps=(
                    "Verify that the security group attached to the instance allows inbound traffic on the required port from your source address range.",
                    "Review the system log and the instance screenshot in the console to confirm that the operating system booted successfully.",
                    "Confirm that the subnet route table and network ACL allow both inbound and return traffic.",
                    "Check the status checks and, if the system status check fails, stop and start the instance to move it to healthy hardware.",
                    "Try connecting through Session Manager to rule out key pair or network issues.",
                ),
                asks=(
                    "The instance ID and region",
                    "The output of the failed status check",
                    "The source IP range you are connecting from",
                    "Any recent changes to security groups or network ACLs",
                ),
            ),
            _i(
                "Auto Scaling Configuration",
                topics=(
                    "Auto Scaling group not launching instances",
                    "Scaling policy not triggering",
                    "ASG keeps replacing healthy instances",
                    "Scale-in removes busy hosts",
                ),
                symptoms=(
                    "the Auto Scaling group stays at {n} instances even when CPU is above 80%",
                    "new instances launch but are terminated a few minutes later as unhealthy",
                    "scale-in removes instances that are still processing requests",
                    "the group launches instances in only one Availability Zone",
                ),
                errors=(
                    "We currently do not have sufficient capacity in the Availability Zone you requested",
                    "Instance failed to launch: The requested configuration is currently not supported",
                    "Instance terminated: Instance failed ELB health checks",
                    "ValidationError: You must use a valid fully-formed launch template",
                ),
                metrics=(
                    "GroupDesiredCapacity stays at {n} while CPUUtilization averages {pct}%",
                    "GroupInServiceInstances flaps between {n} and {n2}",
                ),
                tried=(
                    "raised the maximum size of the group",
                    "increased the health check grace period to {n3} seconds",
                    "created a new version of the launch template",
                ),
                questions=(
                    "should we use target tracking or step scaling for a bursty web workload?",
                    "is there a way to warm up new hosts before they receive traffic?",
                ),
                steps=(
                    "Review the scaling activity history of the Auto Scaling group for failure reasons.",
                    "Confirm that the health check grace period is longer than the application startup time.",
                    "Verify that the launch template references a valid AMI, instance type and subnet in each Availability Zone.",
                    "Check that the alarm behind the scaling policy enters the ALARM state when the threshold is crossed.",
                    "Consider enabling scale-in protection for instances that run long tasks.",
                ),
                asks=(
                    "The Auto Scaling group name and region",
                    "The scaling activity history for the affected period",
                    "The launch template ID and version",
                ),
            ),
            _i(
                "Reserved Instance Billing",
                topics=(
                    "Reserved Instance not applied",
                    "Unexpected on-demand charges",
                    "RI coverage dropped",
                    "Reservation missing from bill",
                ),
                symptoms=(
                    "our bill shows on-demand charges for hosts that should be covered by a reservation",
                    "reservation utilization dropped to {pct}% after we changed instance sizes",
                    "the reservation we bought last month does not seem to apply to our account at all",
                ),
                errors=(
                    "Reservation state: payment-pending",
                    "Reservation {uuid} shows as retired",
                ),
                metrics=(
                    "coverage fell from 95% to {pct}% in Cost Explorer",
                    "we were billed about ${n2},000 in unexpected on-demand usage",
                ),
                tried=(
                    "checked the instance family and region of the reservation",
                    "confirmed that the tenancy matches",
                    "looked at the utilization report",
                ),
                questions=(
                    "can a regional reservation cover a different size in the same family?",
                    "how does reservation sharing work across accounts in our organization?",
                ),
                steps=(
                    "Confirm that the reservation attributes (region, instance family, platform and tenancy) match the running instances.",
                    "Review the utilization and coverage reports in Cost Explorer for the affected billing period.",
                    "Check whether reservation sharing is enabled across the linked accounts in your organization.",
                    "Verify the reservation state and start date in the console.",
                ),
                asks=(
                    "The reservation ID",
                    "The affected billing period",
                    "The account IDs where the instances run",
                ),
            ),
        ),
    ),
    _p(
        "Amazon ECS",
        "ECS",
        named=("our ECS services", "Amazon ECS", "the ECS service", "ECS", "our ECS cluster"),
        nouns=(
            "the service",
            "our containers",
            "the container cluster",
            "the tasks",
            "our container workloads",
        ),
        vocab=(
            "task definition",
            "capacity provider",
            "container instance",
            "task role",
            "awsvpc network mode",
            "deployment circuit breaker",
            "service discovery",
            "task execution role",
        ),
        resources=("{app}-{env}-svc", "{env}-cluster/{app}"),
        weight=1.4,
        issues=(
            _i(
                "Container Deployment Failure",
                topics=(
                    "Service deployment stuck",
                    "New containers fail to start",
                    "Rolling deployment never completes",
                    "Release keeps rolling back",
                ),
                symptoms=(
                    "new tasks start and stop again after about {n2} seconds, so the deployment never reaches steady state",
                    "the rolling deployment has been stuck at {n} running tasks for over an hour",
                    "the circuit breaker rolls back every release we push",
                    "tasks stay in PENDING and are never placed",
                ),
                errors=(
                    "CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref",
                    "service {app}-{env}-svc was unable to place a task because no container instance met all of its requirements",
                    "Essential container in task exited",
                    "ResourceInitializationError: unable to pull secrets or registry auth",
                ),
                metrics=(
                    "RunningTaskCount oscillates between 0 and {n}",
                    "the deployment has been IN_PROGRESS for {n2} minutes",
                ),
                tried=(
                    "rolled back to the previous task definition revision",
                    "pulled the image locally, which works",
                    "checked the task execution role",
                ),
                questions=(
                    "what minimum healthy percent would you recommend for a service with two tasks?",
                    "can we get a notification when the circuit breaker triggers a rollback?",
                ),
                steps=(
                    "Review the stopped reason of the failed tasks in the console.",
                    "Confirm that the task execution role has permission to pull the image and read any referenced secrets.",
                    "Verify that the subnets used by the service can reach the container registry through a NAT gateway or VPC endpoints.",
                    "Check the container health check command against the application startup time.",
                    "Review the service event log for placement failures.",
                ),
                asks=(
                    "The cluster and service names",
                    "The task definition revision",
                    "The stopped reason of a failed task",
                ),
            ),
            _i(
                "Task Definition Errors",
                topics=(
                    "Task definition registration fails",
                    "Invalid container definition",
                    "Environment variables not picked up",
                    "Secrets empty in container",
                ),
                symptoms=(
                    "registering a new task definition revision fails validation",
                    "containers start without the environment variables defined in the task definition",
                    "the secrets referenced in the container definition are empty at runtime",
                    "the revision is accepted but tasks fail immediately because of the memory settings",
                ),
                errors=(
                    "ClientException: Invalid 'cpu' setting for task.",
                    "ClientException: Container.image should not be null or empty.",
                    "ClientException: The container {app} does not have a specified memory value",
                ),
                metrics=(
                    "revision {n2} registered but {pct}% of tasks exit with code 137",
                    "{n} of the last {n2} registrations failed",
                ),
                tried=(
                    "validated the JSON against the documentation",
                    "registered a minimal revision with one container",
                    "compared it with the last working revision",
                ),
                questions=(
                    "is it better to set memory at the task level or per container?",
                    "how should we manage task definitions across several environments?",
                ),
                steps=(
                    "Validate that the task-level CPU and memory values form a supported combination for the launch type.",
                    "Confirm that each container definition specifies memory or memoryReservation when required.",
                    "Verify the ARNs used in the secrets section and that the task execution role can read them.",
                    "Compare the new revision with the last working revision to isolate the change.",
                ),
                asks=(
                    "The task definition family and revision",
                    "The full error message returned by the API",
                    "The launch type of the service",
                ),
            ),
        ),
    ),
    _p(
        "Amazon EKS",
        "EKS",
        named=("our EKS cluster", "Amazon EKS", "the EKS cluster", "EKS"),
        nouns=(
            "the cluster",
            "our Kubernetes cluster",
            "the control plane",
            "the worker nodes",
            "our k8s cluster",
        ),
        vocab=(
            "managed node group",
            "kubelet",
            "VPC CNI",
            "aws-auth ConfigMap",
            "cluster autoscaler",
            "add-on",
            "PodDisruptionBudget",
            "IRSA",
        ),
        resources=("{env}-k8s-{n}", "{app}-{env}-cluster"),
        weight=1.3,
        issues=(
            _i(
                "Kubernetes Version Upgrade",
                topics=(
                    "Cluster upgrade stuck",
                    "Control plane upgrade failed",
                    "Add-ons broken after version upgrade",
                    "Upgrade to 1.30 failing",
                ),
                symptoms=(
                    "the control plane upgrade from 1.28 to 1.29 has been in progress for {hours} hours",
                    "after upgrading to 1.30 the CoreDNS pods are in CrashLoopBackOff",
                    "the node group update fails because pods cannot be evicted",
                    "some workloads stopped working after the upgrade because of removed API versions",
                ),
                errors=(
                    "PodEvictionFailure: Reached max retries while trying to evict pods from nodes in node group",
                    'no matches for kind "PodSecurityPolicy" in version "policy/v1beta1"',
                    "InvalidParameterException: Unsupported Kubernetes minor version update",
                ),
                metrics=(
                    "{n} of {n2} nodes are still on the old kubelet version",
                    "the update has been in the Updating state for {hours} hours",
                ),
                tried=(
                    "checked for deprecated API usage",
                    "updated the VPC CNI and kube-proxy add-ons",
                    "removed the PodDisruptionBudget temporarily",
                ),
                questions=(
                    "what is the recommended order for upgrading add-ons and node groups?",
                    "how long does a control plane upgrade usually take?",
                ),
                steps=(
                    "Review the cluster update history and the error details for the failed update ID.",
                    "Check for workloads that use API versions removed in the target Kubernetes version.",
                    "Confirm that PodDisruptionBudgets allow at least one pod to be evicted during the node group update.",
                    "Update the VPC CNI, CoreDNS and kube-proxy add-ons to versions compatible with the new control plane.",
                ),
                asks=(
                    "The cluster name and region",
                    "The update ID of the failed upgrade",
                    "The current and target Kubernetes versions",
                ),
            ),
            _i(
                "Node Group Scaling",
                topics=(
                    "Node group not scaling out",
                    "Pods stuck pending, no new nodes",
                    "Autoscaler not removing nodes",
                    "Nodes stay NotReady",
                ),
                symptoms=(
                    "pods stay Pending for {n2} minutes while the node group sits at its current size",
                    "the managed node group does not grow beyond {n} nodes",
                    "nodes join the cluster but stay NotReady",
                    "the cluster autoscaler never scales in, even at night when usage is low",
                ),
                errors=(
                    "0/{n} nodes are available: {n} Insufficient cpu.",
                    "NodeCreationFailure: Instances failed to join the kubernetes cluster",
                    "AsgInstanceLaunchFailures: Could not launch On-Demand Instances. InsufficientInstanceCapacity",
                ),
                metrics=(
                    "desired size is {n2} but only {n} nodes are Ready",
                    "node CPU requests are at {pct}% of allocatable",
                ),
                tried=(
                    "increased the max size of the node group",
                    "checked the cluster autoscaler logs",
                    "verified the node IAM role",
                ),
                questions=(
                    "should we use several smaller node groups or one large one?",
                    "is Karpenter a better fit than the cluster autoscaler for us?",
                ),
                steps=(
                    "Review the node group health issues reported in the console.",
                    "Confirm that the node IAM role has the required managed policies attached.",
                    "Check the cluster autoscaler logs for scale-up decisions and errors.",
                    "Verify that the subnets of the node group have enough free IP addresses.",
                    "Confirm that the maximum size of the node group is higher than the current desired size.",
                ),
                asks=(
                    "The cluster and node group names",
                    "The cluster autoscaler logs for the affected period",
                    "The output of kubectl describe for a pending pod",
                ),
            ),
        ),
    ),
    _p(
        "AWS Lambda",
        "Lambda",
        named=(
            "our Lambda function",
            "AWS Lambda",
            "the Lambda function",
            "Lambda",
            "our Lambda handlers",
        ),
        nouns=(
            "the function",
            "our functions",
            "the handler",
            "the serverless API",
            "our serverless backend",
        ),
        vocab=(
            "concurrency",
            "timeout setting",
            "init duration",
            "provisioned concurrency",
            "execution role",
            "layer",
            "reserved concurrency",
            "event source mapping",
        ),
        resources=("{app}-{env}-handler", "{env}-{app}-processor"),
        weight=2.2,
        issues=(
            _i(
                "Function Timeout",
                topics=(
                    "Function timing out",
                    "Requests hitting the timeout limit",
                    "Handler timeouts after deploy",
                    "Invocations hanging until killed",
                ),
                symptoms=(
                    "the function times out after {n2} seconds on roughly {pct}% of invocations",
                    "invocations that used to take {ms} ms now run until the configured timeout",
                    "calls to a downstream database hang until the function is killed",
                    "the handler times out only when it runs inside the VPC",
                ),
                errors=(
                    "Task timed out after {n2}.00 seconds",
                    "Endpoint request timed out",
                    "Status: timeout",
                ),
                metrics=(
                    "Duration p99 sits at the timeout while p50 is {ms} ms",
                    "the Errors metric jumped to {n3} per hour",
                ),
                tried=(
                    "increased the timeout to {n2} seconds",
                    "added more logging around the database call",
                    "redeployed the previous version",
                ),
                questions=(
                    "how should we choose the timeout for a function behind API Gateway?",
                    "is there a way to see which part of the handler takes the most time?",
                ),
                steps=(
                    "Review the CloudWatch Logs of the function and identify the last log line before the timeout.",
                    "Confirm that the function can reach its dependencies, through a NAT gateway or VPC endpoints when it runs in a VPC.",
                    "Set client timeouts on downstream calls that are shorter than the function timeout.",
                    "Enable X-Ray tracing to see which segment of the invocation consumes the time.",
                ),
                asks=(
                    "The function name and region",
                    "A request ID of a timed-out invocation",
                    "The configured timeout and memory size",
                ),
            ),
            _i(
                "Cold Start Latency",
                topics=(
                    "High cold start latency",
                    "Slow first request after idle",
                    "Init duration increased",
                    "API slow after idle periods",
                ),
                symptoms=(
                    "the first request after a few minutes of idle takes {ms2} ms",
                    "init duration went from about {ms} ms to over {ms2} ms after we added a dependency",
                    "cold starts make our API miss its latency target",
                ),
                errors=(
                    "REPORT RequestId: {uuid} Init Duration: {ms2}.42 ms",
                    "504 Gateway Timeout on the first request",
                ),
                metrics=(
                    "p99 latency is {ms2} ms while p50 is {ms} ms",
                    "about {pct}% of invocations are cold starts",
                ),
                tried=(
                    "increased the memory to 1024 MB",
                    "trimmed the deployment package",
                    "tested provisioned concurrency on a test alias",
                ),
                questions=(
                    "does provisioned concurrency make sense for a low-traffic internal API?",
                    "what is the best way to measure cold starts over time?",
                ),
                steps=(
                    "Review the Init Duration values in the REPORT lines of the function logs.",
                    "Reduce the deployment package size and initialize heavy clients lazily where possible.",
                    "Consider provisioned concurrency on the alias that serves latency-sensitive traffic.",
                    "Test a higher memory setting, which also allocates more CPU during initialization.",
                ),
                asks=(
                    "The function name and runtime",
                    "Sample Init Duration values",
                    "The deployment package size",
                ),
            ),
            _i(
                "Memory Allocation",
                topics=(
                    "Function running out of memory",
                    "Memory usage higher than expected",
                    "Out of memory errors in handler",
                    "Memory grows with every invocation",
                ),
                symptoms=(
                    "the function is killed when it processes files larger than {n2} MB",
                    "Max Memory Used is at the configured limit for most invocations",
                    "memory usage grows with every invocation of a warm environment",
                ),
                errors=(
                    "Runtime.OutOfMemory: RequestId: {uuid} Error: Runtime exited with error: signal: killed",
                    "FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory",
                    "MemoryError",
                ),
                metrics=(
                    "Max Memory Used is {n3} MB out of 1024 MB",
                    "invocations above {pct}% memory use fail",
                ),
                tried=(
                    "doubled the memory setting",
                    "streamed the file instead of loading it",
                    "profiled the handler locally",
                ),
                questions=(
                    "how do we find the most cost-efficient memory size?",
                    "is there a tool to tune memory automatically?",
                ),
                steps=(
                    "Review the Max Memory Used value in the REPORT log lines of failing invocations.",
                    "Increase the memory setting and compare duration and cost with the Power Tuning tool.",
                    "Check for objects cached globally that grow across invocations in the same execution environment.",
                    "Process large payloads as streams instead of loading them fully into memory.",
                ),
                asks=(
                    "The function name and configured memory",
                    "A request ID of a failed invocation",
                    "The typical payload size",
                ),
            ),
        ),
    ),
    _p(
        "AWS Fargate",
        "Fargate",
        named=("our Fargate tasks", "AWS Fargate", "Fargate", "the Fargate task"),
        nouns=(
            "the task",
            "our tasks",
            "the containers",
            "the workers",
            "our serverless containers",
        ),
        vocab=(
            "task size",
            "ephemeral storage",
            "platform version",
            "vCPU",
            "task memory",
            "Spot capacity",
            "awsvpc ENI",
        ),
        resources=("{app}-task:{n2}",),
        issues=(
            _i(
                "Task Resource Constraints",
                topics=(
                    "Tasks killed for memory",
                    "Task size limits",
                    "Ephemeral storage full",
                    "Workers CPU-starved",
                ),
                symptoms=(
                    "tasks are stopped with exit code 137 whenever traffic peaks",
                    "the container runs out of ephemeral storage while processing batches",
                    "CPU is pinned at 100% and the workers fall behind",
                    "we cannot launch tasks with more than {n2} GB of memory in this region",
                ),
                errors=(
                    "OutOfMemoryError: Container killed due to memory usage",
                    "ResourceInitializationError: failed to create new container runtime task: no space left on device",
                    "Task stopped: Essential container in task exited (exit code 137)",
                ),
                metrics=(
                    "MemoryUtilization reaches {pct}% right before tasks stop",
                    "CPUUtilization is flat at 100% for {n2} minutes",
                ),
                tried=(
                    "increased task memory to 8 GB",
                    "added ephemeral storage to the task definition",
                    "profiled the container locally",
                ),
                questions=(
                    "what is the maximum ephemeral storage we can configure?",
                    "how should we size CPU and memory for a JVM workload?",
                ),
                steps=(
                    "Review the stopped reason and exit code of the affected tasks.",
                    "Compare the MemoryUtilization and CPUUtilization metrics with the configured task size.",
                    "Increase the task size or ephemeral storage in a new task definition revision.",
                    "Confirm that application memory limits, such as the JVM heap, fit within the task memory.",
                ),
                asks=(
                    "The cluster name and task definition revision",
                    "The stopped reason of a failed task",
                    "Task-level CPU and memory utilization graphs",
                ),
            ),
        ),
    ),
    # ---------------------------------------------------------------------------------- storage
    _p(
        "Amazon S3",
        "S3",
        named=("our S3 bucket", "Amazon S3", "the S3 bucket", "S3", "our S3 data lake"),
        nouns=(
            "the bucket",
            "our buckets",
            "the object store",
            "the data lake bucket",
            "our storage bucket",
        ),
        vocab=(
            "bucket policy",
            "ACL",
            "Block Public Access",
            "object ownership",
            "presigned URL",
            "access point",
            "KMS key policy",
            "lifecycle rule",
        ),
        resources=("{app}-{env}-data", "{app}-{env}-assets", "{app}-{acct}-logs"),
        weight=2.5,
        issues=(
            _i(
                "Access Permissions",
                topics=(
                    "Access denied on GetObject",
                    "Cannot upload objects",
                    "Presigned URLs return 403",
                    "Partner account cannot read objects",
                ),
                symptoms=(
                    "GetObject calls from our application role fail with 403 Access Denied",
                    "uploads from the CI role fail although the policy allows PutObject",
                    "presigned URLs generated by the backend return 403 after a few minutes",
                    "a partner account can list the bucket but cannot read any objects",
                ),
                errors=(
                    "An error occurred (AccessDenied) when calling the GetObject operation: Access Denied",
                    "<Code>AccessDenied</Code><Message>Request has expired</Message>",
                    "An error occurred (AccessDenied) when calling the PutObject operation: Access Denied",
                ),
                metrics=(
                    "4xxErrors on the bucket went up to {n3} per minute",
                    "about {pct}% of requests return 403",
                ),
                tried=(
                    "checked the IAM policy with the policy simulator",
                    "confirmed who owns the objects",
                    "removed the VPC endpoint policy for a test",
                ),
                questions=(
                    "what is the recommended way to share a bucket with another account?",
                    "should we switch from ACLs to bucket owner enforced ownership?",
                ),
                steps=(
                    "Use the IAM policy simulator to evaluate the role against the bucket and object ARNs.",
                    "Check whether the objects are encrypted with a KMS key and whether the role may use that key.",
                    "Review the Block Public Access settings and the object ownership setting of the bucket.",
                    "Confirm that any VPC endpoint policy allows the requested actions.",
                ),
                asks=(
                    "The bucket name and region",
                    "The ARN of the principal that receives the error",
                    "A request ID from a denied request",
                ),
            ),
            _i(
                "Bucket Policy Configuration",
                topics=(
                    "Bucket policy rejected",
                    "Policy locked us out of the bucket",
                    "Restricting the bucket to a VPC endpoint",
                    "Enforcing TLS in bucket policy",
                ),
                symptoms=(
                    "saving the new bucket policy fails with a malformed policy error",
                    "after we applied a deny statement even administrators cannot access the bucket",
                    "the condition on aws:SourceVpce blocks requests that come through the endpoint",
                ),
                errors=(
                    "MalformedPolicy: Invalid principal in policy",
                    "MalformedPolicy: Policy has invalid resource",
                    "An error occurred (AccessDenied) when calling the PutBucketPolicy operation",
                ),
                metrics=(
                    "the policy currently has {n2} statements",
                    "requests from {n} of our VPCs are denied",
                ),
                tried=(
                    "validated the policy with IAM Access Analyzer",
                    "removed the condition block for a test",
                    "signed in as the root user to inspect the policy",
                ),
                questions=(
                    "how do we enforce TLS-only access with a bucket policy?",
                    "what is the cleanest way to allow access only from our VPC endpoints?",
                ),
                steps=(
                    "Validate the policy document with IAM Access Analyzer policy validation.",
                    "Confirm that every principal in the policy exists and is written as a full ARN.",
                    "If the bucket is locked, use the account root user to delete the bucket policy and apply a corrected version.",
                    "Review the aws:SourceVpce and aws:SourceIp conditions, because source IP conditions do not match traffic that uses a VPC endpoint.",
                ),
                asks=(
                    "The bucket name",
                    "The policy document, with account IDs redacted as needed",
                    "The exact error returned by PutBucketPolicy",
                ),
            ),
            _i(
                "Cross-Region Replication",
                topics=(
                    "Replication not copying objects",
                    "Replication lag growing",
                    "Objects stuck in PENDING replication",
                    "Encrypted objects not replicated",
                ),
                symptoms=(
                    "new objects in the source bucket never show up in the destination in {region}",
                    "replication status stays PENDING for hours",
                    "objects encrypted with our KMS key are skipped by replication",
                    "delete markers are not replicated although we expected them to be",
                ),
                errors=(
                    "ReplicationStatus: FAILED",
                    "InvalidRequest: Versioning must be 'Enabled' on the bucket",
                    "Replication configuration is not valid: role does not have permission",
                ),
                metrics=(
                    "ReplicationLatency is above {n2} minutes",
                    "OperationsPendingReplication is at {n3} objects",
                ),
                tried=(
                    "confirmed versioning on both buckets",
                    "recreated the replication rule",
                    "checked the trust policy of the replication role",
                ),
                questions=(
                    "can replication copy objects that existed before the rule was created?",
                    "how do we monitor replication lag across regions?",
                ),
                steps=(
                    "Confirm that versioning is enabled on both the source and destination buckets.",
                    "Verify that the replication role can read from the source, write to the destination and use any KMS keys involved.",
                    "Enable replication metrics to track latency and pending operations.",
                    "Use Batch Replication for objects that existed before the rule was created.",
                ),
                asks=(
                    "The source and destination bucket names",
                    "The replication configuration",
                    "The key of an object that failed to replicate",
                ),
            ),
        ),
    ),
    _p(
        "Amazon EBS",
        "EBS",
        named=("our EBS volumes", "the EBS volume", "Amazon EBS", "EBS"),
        nouns=(
            "the volume",
            "our data volumes",
            "the disk",
            "the root volume",
            "the attached storage",
        ),
        vocab=(
            "gp3",
            "io2",
            "provisioned IOPS",
            "throughput",
            "burst balance",
            "snapshot",
            "fast snapshot restore",
            "volume queue length",
        ),
        resources=("vol-{h17}",),
        weight=1.2,
        issues=(
            _i(
                "Volume Performance",
                topics=(
                    "Disk latency spikes",
                    "Volume slower than provisioned IOPS",
                    "High queue length on data volume",
                    "Slow disk after restore",
                ),
                symptoms=(
                    "write latency on {res} spikes to {ms} ms during our nightly batch",
                    "the volume delivers far fewer IOPS than we provisioned",
                    "database checkpoints take minutes because the disk is saturated",
                    "a volume restored from a snapshot is very slow for the first hours",
                ),
                errors=(
                    "kernel: INFO: task jbd2 blocked for more than 120 seconds",
                    "fio reports {n3} IOPS against 16000 provisioned",
                ),
                metrics=(
                    "VolumeQueueLength stays above {n2}",
                    "BurstBalance drops to 0% every afternoon",
                    "average write latency is {ms} ms",
                ),
                tried=(
                    "migrated the volume from gp2 to gp3",
                    "raised the provisioned IOPS",
                    "checked the bandwidth limit of the instance type",
                ),
                questions=(
                    "when does it make sense to move from gp3 to io2?",
                    "how do we benchmark a volume correctly?",
                ),
                steps=(
                    "Compare the VolumeReadOps, VolumeWriteOps and VolumeQueueLength metrics with the provisioned IOPS.",
                    "Confirm that the instance type supports the throughput and IOPS provisioned on the volume.",
                    "Check the burst balance of gp2 volumes, or consider migrating to gp3 with explicit IOPS.",
                    "For volumes restored from snapshots, consider fast snapshot restore or initializing the volume.",
                ),
                asks=(
                    "The volume ID and the instance ID",
                    "The volume type, size and provisioned IOPS",
                    "The time window with the highest latency",
                ),
            ),
            _i(
                "Snapshot Creation Failure",
                topics=(
                    "Snapshot stuck in pending",
                    "Snapshot creation errors",
                    "Scheduled snapshots missing",
                    "Cannot copy encrypted snapshot",
                ),
                symptoms=(
                    "snapshots of {res} stay in pending for hours and then fail",
                    "the lifecycle policy skipped snapshots for {n} days",
                    "copying snapshots to {region} fails for encrypted volumes",
                ),
                errors=(
                    "SnapshotCreationPerVolumeRateExceeded",
                    "Snapshot snap-{h17} is in error state",
                    "InvalidParameterValue: The snapshot could not be copied because the KMS key is not accessible",
                ),
                metrics=(
                    "{n} of {n2} scheduled snapshots failed this week",
                    "snapshot progress is stuck at {pct}%",
                ),
                tried=(
                    "triggered a manual snapshot",
                    "checked the lifecycle policy role",
                    "verified the KMS key grants",
                ),
                questions=(
                    "how should we handle snapshots of volumes with heavy write traffic?",
                    "what is the best way to copy encrypted snapshots across regions?",
                ),
                steps=(
                    "Review the snapshot state and status message in the console.",
                    "Confirm that the Data Lifecycle Manager role and the KMS key policy allow snapshot operations.",
                    "Avoid concurrent snapshots of the same volume, which can exceed the per-volume rate limit.",
                    "For cross-region copies, confirm that a KMS key exists in the destination region and is accessible.",
                ),
                asks=(
                    "The volume and snapshot IDs",
                    "The lifecycle policy ID, if one is used",
                    "The KMS key ARN for encrypted volumes",
                ),
            ),
        ),
    ),
    _p(
        "Amazon EFS",
        "EFS",
        named=("our EFS file system", "Amazon EFS", "EFS", "the EFS share"),
        nouns=("the file system", "the shared filesystem", "the NFS share", "the network mount"),
        vocab=(
            "mount target",
            "NFS client",
            "access point",
            "throughput mode",
            "port 2049",
            "efs-utils mount helper",
            "TLS mount",
        ),
        resources=("fs-{h8}",),
        issues=(
            _i(
                "Mount Target Connectivity",
                topics=(
                    "Mount hangs",
                    "Cannot mount file system",
                    "NFS timeouts from new subnet",
                    "Mount works in one AZ only",
                ),
                symptoms=(
                    "mount commands hang and then fail with a timeout from our new subnet",
                    "the share mounts fine in one Availability Zone but not in the other",
                    "existing mounts freeze for several minutes at random times",
                ),
                errors=(
                    "mount.nfs4: Connection timed out",
                    "mount.nfs4: access denied by server while mounting",
                    'Failed to resolve "{res}.efs.{region}.amazonaws.com"',
                ),
                metrics=(
                    "ClientConnections dropped to 0 for {n2} minutes",
                    "PercentIOLimit is at {pct}%",
                ),
                tried=(
                    "opened port 2049 in the security group",
                    "mounted using the IP address of the mount target",
                    "installed the latest mount helper",
                ),
                questions=(
                    "what are the recommended mount options for a web server farm?",
                    "should we use an access point for each application?",
                ),
                steps=(
                    "Confirm that a mount target exists in the Availability Zone of the client.",
                    "Verify that the security group of the mount target allows inbound NFS traffic on port 2049 from the client.",
                    "Check that DNS resolution and DNS hostnames are enabled in the VPC.",
                    "Mount with the options recommended by the mount helper and enable TLS if required.",
                ),
                asks=(
                    "The file system ID",
                    "The subnet and Availability Zone of the client",
                    "The exact mount command and its output",
                ),
            ),
        ),
    ),
    _p(
        "AWS Backup",
        "AWS Backup",
        named=("AWS Backup", "our AWS Backup plan", "the AWS Backup jobs"),
        nouns=(
            "the backup plan",
            "our nightly backups",
            "the backup vault",
            "the backup jobs",
            "our scheduled backups",
        ),
        vocab=(
            "backup plan",
            "backup vault",
            "recovery point",
            "vault lock",
            "backup selection",
            "service role",
            "cross-account copy",
        ),
        resources=("{app}-{env}-backup-plan", "{app}-vault"),
        issues=(
            _i(
                "Backup Job Failure",
                topics=(
                    "Nightly backup jobs failing",
                    "Backup job expired",
                    "Recovery points not created",
                    "Cross-account copy failing",
                ),
                symptoms=(
                    "the nightly backup job for our {app} database fails every time",
                    "backup jobs end in EXPIRED state without starting",
                    "no recovery points have been created for {n} days",
                    "cross-account copy jobs fail while the local backup succeeds",
                ),
                errors=(
                    "Backup job failed: Insufficient privileges to perform this action",
                    "Backup job expired before completion",
                    "Job {uuid} failed with state FAILED: Access denied to KMS key",
                ),
                metrics=(
                    "NumberOfBackupJobsFailed is {n} per day",
                    "{n} of {n2} jobs in the plan completed",
                ),
                tried=(
                    "started an on-demand job",
                    "checked the service role",
                    "widened the backup window",
                ),
                questions=(
                    "how do we test restores from the vault on a schedule?",
                    "what retention settings do you recommend for compliance?",
                ),
                steps=(
                    "Review the status message of the failed backup job in the console.",
                    "Confirm that the service role used by the plan has the required permissions and can use the KMS key of the resource.",
                    "Check that the backup window is long enough and that the start window has not expired.",
                    "For cross-account copies, verify the vault access policy in the destination account.",
                ),
                asks=(
                    "The backup job ID",
                    "The backup plan and vault names",
                    "The ARN of the resource that failed",
                ),
            ),
        ),
    ),
    # -------------------------------------------------------------------------------- databases
    _p(
        "Amazon RDS",
        "RDS",
        named=("our RDS instance", "Amazon RDS", "the RDS database", "RDS", "our RDS Postgres"),
        nouns=(
            "the database",
            "our Postgres database",
            "the primary DB",
            "the MySQL instance",
            "our managed database",
        ),
        vocab=(
            "parameter group",
            "DB subnet group",
            "Multi-AZ standby",
            "max_connections",
            "database proxy",
            "read replica",
            "maintenance window",
            "automated backups",
        ),
        resources=("{app}-{env}-db", "db-{env}-{n2}"),
        weight=2.0,
        issues=(
            _i(
                "Database Connection",
                topics=(
                    "Cannot connect to database",
                    "Database connections dropping",
                    "Too many connections errors",
                    "Connection timeouts after maintenance",
                ),
                symptoms=(
                    "the application cannot open new connections to the database since the maintenance window",
                    "connections drop every few minutes with a reset",
                    "we hit the connection limit during traffic peaks",
                    "connections from our serverless functions time out while the bastion host connects fine",
                ),
                errors=(
                    "FATAL: remaining connection slots are reserved for non-replication superuser connections",
                    "could not connect to server: Connection timed out",
                    "ERROR 1040 (HY000): Too many connections",
                    "SSL connection has been closed unexpectedly",
                ),
                metrics=(
                    "DatabaseConnections peaks at {n3}",
                    "CPUUtilization on the database is only {pct}%",
                ),
                tried=(
                    "rebooted the DB instance",
                    "checked the inbound rules of the security group",
                    "raised max_connections in the parameter group",
                ),
                questions=(
                    "is a database proxy worth it for our connection pattern?",
                    "how should we rotate the database password without downtime?",
                ),
                steps=(
                    "Confirm that the security group of the DB instance allows inbound traffic from the application subnets on the database port.",
                    "Review the DatabaseConnections metric and the max_connections value of the parameter group.",
                    "Check the recent events of the DB instance for failovers, reboots or maintenance actions.",
                    "Consider connection pooling to reduce the number of short-lived connections.",
                ),
                asks=(
                    "The DB instance identifier and region",
                    "The exact connection error",
                    "The time of the first failure",
                ),
            ),
            _i(
                "Performance Insights",
                topics=(
                    "Performance Insights shows high waits",
                    "Slow queries after engine upgrade",
                    "Performance Insights not showing data",
                    "Database load spikes",
                ),
                symptoms=(
                    "Performance Insights shows a spike in database load dominated by IO waits",
                    "the Performance Insights dashboard has no data for the last {hours} hours",
                    "a handful of queries account for almost all of the load since the engine upgrade",
                ),
                errors=(
                    "Performance Insights is not available for this DB instance class",
                    "AccessDeniedException: User is not authorized to perform: pi:GetResourceMetrics",
                ),
                metrics=(
                    "DB load is {n2} average active sessions on {n} vCPUs",
                    "the top wait event is IO:DataFileRead at {pct}%",
                ),
                tried=(
                    "enabled long-term retention",
                    "checked the IAM permissions for pi actions",
                    "ran EXPLAIN on the top statements",
                ),
                questions=(
                    "how long should we keep Performance Insights data?",
                    "which wait events should we alert on?",
                ),
                steps=(
                    "Open Performance Insights and slice the database load by wait event and by SQL statement.",
                    "Compare the database load with the number of vCPUs of the instance class.",
                    "Confirm that your IAM principal may call pi:GetResourceMetrics and pi:DescribeDimensionKeys.",
                    "Review the execution plans of the top statements for missing indexes.",
                ),
                asks=(
                    "The DB instance identifier",
                    "The time window of the spike",
                    "The top SQL statements from Performance Insights",
                ),
            ),
            _i(
                "Backup Restoration",
                topics=(
                    "Point-in-time restore failing",
                    "Restore taking too long",
                    "Restored database missing data",
                    "Cannot restore shared snapshot",
                ),
                symptoms=(
                    "the point-in-time restore has been in creating state for {hours} hours",
                    "the restored instance is missing data from the last hour before the restore time",
                    "restoring the snapshot into another account fails",
                ),
                errors=(
                    "DBSnapshotNotFound: DBSnapshot not found",
                    "InvalidRestoreFault: Restore time is outside the restorable window",
                    "KMSKeyNotAccessibleFault",
                ),
                metrics=("LatestRestorableTime is {n2} minutes behind", "the snapshot is {n3} GB"),
                tried=(
                    "checked the automated backup retention",
                    "shared the snapshot with the target account",
                    "attempted a restore to a larger instance class",
                ),
                questions=(
                    "what is the fastest way to clone production for testing?",
                    "how can we verify our backups regularly?",
                ),
                steps=(
                    "Confirm that the requested restore time is within the restorable window shown for the instance.",
                    "For encrypted snapshots shared across accounts, share the KMS key and copy the snapshot with a key in the target account.",
                    "Review the events of the restored instance for progress and errors.",
                    "Consider restoring to a larger instance class to shorten the initial recovery.",
                ),
                asks=(
                    "The source DB instance and snapshot identifiers",
                    "The requested restore time",
                    "The target account and region",
                ),
            ),
        ),
    ),
    _p(
        "Amazon Aurora",
        "Aurora",
        named=(
            "our Aurora cluster",
            "Amazon Aurora",
            "the Aurora database",
            "Aurora",
            "Aurora Postgres",
        ),
        nouns=(
            "the database cluster",
            "the writer instance",
            "our database",
            "the read replicas",
            "our primary database",
        ),
        vocab=(
            "writer instance",
            "reader endpoint",
            "cluster endpoint",
            "failover priority tier",
            "replica lag",
            "global database",
            "DNS TTL",
            "cluster parameter group",
        ),
        resources=("{app}-{env}-cluster", "{app}-db-{n}"),
        weight=1.3,
        issues=(
            _i(
                "Cluster Failover",
                topics=(
                    "Failover took too long",
                    "Failover did not happen",
                    "Writes failing after failover",
                    "Read-only errors after failover",
                ),
                symptoms=(
                    "a failover during the maintenance window took {n2} minutes instead of seconds",
                    "the writer became unhealthy but no failover was triggered",
                    "after the failover our application kept writing to the old writer and got read-only errors",
                ),
                errors=(
                    "ERROR: cannot execute INSERT in a read-only transaction",
                    "The MySQL server is running with the --read-only option so it cannot execute this statement",
                    "Communications link failure",
                ),
                metrics=(
                    "writes were failing for {n2} minutes",
                    "the cluster endpoint pointed at the old writer for {n3} seconds",
                ),
                tried=(
                    "tested a manual failover",
                    "lowered the DNS TTL in our driver",
                    "set failover priority tiers",
                ),
                questions=(
                    "which driver settings do you recommend for fast failover?",
                    "how often should we test failover?",
                ),
                steps=(
                    "Review the cluster events for the failover start and completion times.",
                    "Confirm that the application connects through the cluster endpoint and respects the DNS TTL.",
                    "Consider a driver with fast failover support or a database proxy to reduce reconnection time.",
                    "Check the failover priority tiers of the reader instances.",
                ),
                asks=(
                    "The cluster identifier and region",
                    "The time of the failover",
                    "The driver and connection settings of the application",
                ),
            ),
            _i(
                "Reader Endpoint Latency",
                topics=(
                    "Reader endpoint slow",
                    "Replica lag on readers",
                    "Uneven load across readers",
                    "Reporting queries slow on replicas",
                ),
                symptoms=(
                    "queries on the reader endpoint take {ms2} ms while the same query on the writer finishes quickly",
                    "replica lag spikes to several seconds during write bursts",
                    "one reader gets most of the connections while the others stay idle",
                ),
                errors=(
                    "canceling statement due to conflict with recovery",
                    "Lock wait timeout exceeded; try restarting transaction",
                ),
                metrics=(
                    "replica lag reaches {ms2} ms",
                    "one reader is at {pct}% CPU while the others are under 10%",
                ),
                tried=(
                    "added a reader instance",
                    "checked the connection pool settings",
                    "compared the query plans on writer and reader",
                ),
                questions=(
                    "how does the reader endpoint balance connections?",
                    "should we use custom endpoints for reporting queries?",
                ),
                steps=(
                    "Review the AuroraReplicaLag and CPUUtilization metrics of each reader instance.",
                    "Note that the reader endpoint balances connections rather than queries, so long-lived pools can stay on one reader.",
                    "Consider custom endpoints to isolate reporting queries on dedicated readers.",
                    "Confirm that the reader instances use the same instance class as the writer.",
                ),
                asks=(
                    "The cluster identifier",
                    "The instance class of each reader",
                    "Example queries with their timings",
                ),
            ),
        ),
    ),
    _p(
        "Amazon DynamoDB",
        "DynamoDB",
        named=("our DynamoDB table", "Amazon DynamoDB", "the DynamoDB table", "DynamoDB"),
        nouns=(
            "the table",
            "our tables",
            "the key-value store",
            "the sessions table",
            "our NoSQL table",
        ),
        vocab=(
            "partition key",
            "GSI",
            "read capacity units",
            "write capacity units",
            "on-demand mode",
            "adaptive capacity",
            "TTL",
            "streams",
        ),
        resources=("{app}-{env}-table", "{app}_events"),
        weight=1.8,
        issues=(
            _i(
                "Provisioned Throughput",
                topics=(
                    "Throttling despite capacity",
                    "Write throttling on table",
                    "Hot partition",
                    "Auto scaling too slow",
                ),
                symptoms=(
                    "writes are throttled although consumed capacity is far below what we provisioned",
                    "a global secondary index throttles and pushes back on the base table",
                    "auto scaling reacts too slowly to our morning spike",
                ),
                errors=(
                    "ProvisionedThroughputExceededException: The level of configured provisioned throughput for the table was exceeded",
                    "ThrottlingException: Rate of requests exceeds the allowed throughput",
                ),
                metrics=(
                    "WriteThrottleEvents reached {n3} per minute",
                    "ConsumedWriteCapacityUnits is {pct}% of provisioned",
                ),
                tried=(
                    "doubled the write capacity",
                    "checked the key distribution",
                    "turned on auto scaling",
                ),
                questions=(
                    "when should we switch a table to on-demand mode?",
                    "how can we find hot keys?",
                ),
                steps=(
                    "Enable Contributor Insights for the table to identify the most accessed keys.",
                    "Review the throttling metrics of each global secondary index as well as the base table.",
                    "Consider a partition key with higher cardinality, or write sharding for hot keys.",
                    "Evaluate on-demand capacity mode for spiky traffic.",
                ),
                asks=(
                    "The table name and region",
                    "The partition key design",
                    "The time window of the throttling",
                ),
            ),
            _i(
                "Global Table Replication",
                topics=(
                    "Replication lag between regions",
                    "Conflicting writes across regions",
                    "New replica stuck creating",
                    "Items missing in second region",
                ),
                symptoms=(
                    "items written in {region} take minutes to appear in the other replica",
                    "adding a new replica region has been stuck in CREATING for {hours} hours",
                    "the wrong version of an item wins after concurrent writes",
                ),
                errors=(
                    "ReplicatedWriteConflictException",
                    "ValidationException: Table with streams enabled is required",
                ),
                metrics=(
                    "ReplicationLatency is around {ms2} ms",
                    "PendingReplicationCount is {n3}",
                ),
                tried=(
                    "checked the stream settings",
                    "compared item timestamps in both regions",
                    "paused writes in one region",
                ),
                questions=(
                    "how is conflict resolution handled between replicas?",
                    "what is the cost impact of adding a third region?",
                ),
                steps=(
                    "Review the ReplicationLatency and PendingReplicationCount metrics of each replica.",
                    "Design writes to avoid concurrent updates of the same item, because replicas resolve conflicts with last writer wins.",
                    "Confirm that the table uses the current global tables version and has sufficient write capacity in every replica.",
                ),
                asks=(
                    "The table name and replica regions",
                    "Example item keys with conflicting values",
                    "The time window of the lag",
                ),
            ),
        ),
    ),
    _p(
        "Amazon Redshift",
        "Redshift",
        named=("our Redshift cluster", "Amazon Redshift", "Redshift", "the Redshift warehouse"),
        nouns=(
            "the warehouse",
            "the cluster",
            "our data warehouse",
            "the reporting database",
            "the analytics warehouse",
        ),
        vocab=(
            "WLM queue",
            "sort key",
            "distribution style",
            "concurrency scaling",
            "VACUUM",
            "external schema",
            "RA3 nodes",
            "leader node",
        ),
        resources=("rs-{env}-{n2}", "{app}-warehouse"),
        weight=1.5,
        issues=(
            _i(
                "Query Performance",
                topics=(
                    "Queries slower than usual",
                    "Dashboard queries timing out",
                    "Slow joins on fact table",
                    "Long queue waits",
                ),
                symptoms=(
                    "our main dashboard queries went from {n} seconds to several minutes",
                    "queries spend most of their time waiting in the WLM queue",
                    "a join between two large tables spills to disk",
                ),
                errors=(
                    "ERROR: Query ({n3}{n3}) cancelled by WLM abort action",
                    "ERROR: Disk Full",
                ),
                metrics=("queue wait time averages {n2} seconds", "disk usage is at {pct}%"),
                tried=("ran VACUUM and ANALYZE", "added sort keys", "enabled concurrency scaling"),
                questions=(
                    "how should we choose distribution keys for a star schema?",
                    "is automatic WLM a good fit for our workload?",
                ),
                steps=(
                    "Review the query plan with EXPLAIN and look for broadcast or redistribution steps.",
                    "Check the STL_ALERT_EVENT_LOG and SVL_QUERY_SUMMARY views for disk spills and missing statistics.",
                    "Run ANALYZE and VACUUM on the affected tables.",
                    "Review the WLM configuration and the queue wait times.",
                ),
                asks=(
                    "The cluster identifier",
                    "Query IDs of slow queries",
                    "The node type and number of nodes",
                ),
            ),
            _i(
                "Connection Issue",
                topics=(
                    "Cannot connect to the warehouse",
                    "JDBC connection timeout",
                    "BI tool disconnected",
                    "Connections dropped during long queries",
                ),
                symptoms=(
                    "our BI tool cannot connect to the cluster since the security patch",
                    "JDBC connections time out after 30 seconds",
                    "connections are dropped during long-running queries",
                ),
                errors=(
                    "Connection timeout after 30000ms",
                    'FATAL: password authentication failed for user "{app}_reader"',
                    "SSL error: certificate verify failed",
                ),
                metrics=(
                    "{n} of {n2} connection attempts fail",
                    "DatabaseConnections dropped to 0 at {time} UTC",
                ),
                tried=(
                    "checked the security group",
                    "rotated the password",
                    "updated the JDBC driver",
                ),
                questions=(
                    "what is the recommended way to connect from a private subnet?",
                    "should we use IAM authentication for our analysts?",
                ),
                steps=(
                    "Confirm that the cluster security group allows inbound traffic on port 5439 from the client network.",
                    "Check whether the cluster is publicly accessible and whether the client connects through the expected VPC route.",
                    "Update the client driver and verify the SSL settings.",
                    "Review the cluster events for maintenance or reboots at the time of the failures.",
                ),
                asks=(
                    "The cluster identifier and region",
                    "The client driver and version",
                    "The exact error returned by the client",
                ),
            ),
            _i(
                "Cluster Resize",
                topics=(
                    "Resize stuck",
                    "Elastic resize failed",
                    "Cluster read-only during resize",
                    "Resize taking far longer than estimated",
                ),
                symptoms=(
                    "the elastic resize has been in progress for {hours} hours",
                    "the cluster was read-only much longer than the estimate",
                    "the resize failed and the cluster rolled back",
                ),
                errors=(
                    "InsufficientClusterCapacity",
                    "Resize operation failed: Internal error",
                    "UnsupportedOperation: Elastic resize is not supported for this node configuration",
                ),
                metrics=(
                    "resize progress is stuck at {pct}%",
                    "the estimated time remaining keeps increasing",
                ),
                tried=(
                    "checked the node count limits",
                    "cancelled and retried the resize",
                    "compared classic and elastic resize",
                ),
                questions=(
                    "when should we use classic resize instead of elastic resize?",
                    "how do we estimate the downtime of a resize?",
                ),
                steps=(
                    "Review the resize progress and the events of the cluster in the console.",
                    "Confirm that the target node type and count are supported for elastic resize.",
                    "Schedule the resize in a low-traffic window, because the cluster is read-only for part of the operation.",
                ),
                asks=(
                    "The cluster identifier",
                    "The source and target node configuration",
                    "The time the resize started",
                ),
            ),
        ),
    ),
    _p(
        "Amazon ElastiCache",
        "ElastiCache",
        named=(
            "our ElastiCache cluster",
            "Amazon ElastiCache",
            "ElastiCache",
            "the ElastiCache Redis cluster",
        ),
        nouns=(
            "the cache",
            "the Redis cluster",
            "our caching layer",
            "the Memcached nodes",
            "the session cache",
        ),
        vocab=(
            "eviction policy",
            "TTL",
            "maxmemory",
            "replication group",
            "cache node type",
            "keyspace",
            "cluster mode",
        ),
        resources=("{app}-redis-{env}", "{app}-cache"),
        issues=(
            _i(
                "Cache Hit Rate",
                topics=(
                    "Low cache hit rate",
                    "Cache evictions rising",
                    "Cache misses after deploy",
                    "Cache not helping latency",
                ),
                symptoms=(
                    "the cache hit rate dropped from above 90% to around {pct}%",
                    "evictions spike every evening even though memory looks fine",
                    "after a deploy most lookups miss the cache for hours",
                ),
                errors=(
                    "OOM command not allowed when used memory > 'maxmemory'",
                    "READONLY You can't write against a read only replica.",
                ),
                metrics=("CacheHitRate is {pct}%", "Evictions are at {n3} per minute"),
                tried=(
                    "increased the node size",
                    "reviewed the TTL values",
                    "checked key naming after the deploy",
                ),
                questions=(
                    "which eviction policy fits a session store?",
                    "how do we size the cache for our working set?",
                ),
                steps=(
                    "Compare the CacheHits, CacheMisses and Evictions metrics over the affected period.",
                    "Review the maxmemory-policy parameter and the TTLs set by the application.",
                    "Check whether a recent deployment changed key names or serialization.",
                    "Consider a larger node type or cluster mode to increase available memory.",
                ),
                asks=(
                    "The replication group ID",
                    "The node type and engine version",
                    "The time when the hit rate dropped",
                ),
            ),
        ),
    ),
    _p(
        "Amazon DocumentDB",
        "DocumentDB",
        named=("our DocumentDB cluster", "Amazon DocumentDB", "DocumentDB"),
        nouns=(
            "the document database",
            "the Mongo-compatible cluster",
            "our document store",
            "the database cluster",
        ),
        vocab=(
            "MongoDB API compatibility",
            "aggregation pipeline",
            "change streams",
            "TLS certificate bundle",
            "cluster parameter group",
            "instance class",
        ),
        resources=("docdb-{app}-{env}", "{app}-docs-{env}"),
        issues=(
            _i(
                "Compatibility Issues",
                topics=(
                    "Mongo driver operations unsupported",
                    "Aggregation stage not supported",
                    "Migration from MongoDB failing",
                    "Driver cannot connect over TLS",
                ),
                symptoms=(
                    "queries that work on MongoDB fail on the cluster with an unsupported operator",
                    "our migration script stops at an aggregation stage",
                    "the driver cannot connect because of TLS settings",
                ),
                errors=(
                    "MongoServerError: Feature not supported: $lookup with pipeline",
                    "MongoServerError: Unsupported aggregation stage: $merge",
                    "MongoServerSelectionError: connection timed out",
                ),
                metrics=(
                    "{n2} of our queries fail the compatibility check",
                    "the migration stopped at {pct}%",
                ),
                tried=(
                    "ran the compatibility tool",
                    "upgraded the driver",
                    "tested with TLS disabled in dev",
                ),
                questions=(
                    "which MongoDB API version should we target?",
                    "is there a list of supported aggregation stages?",
                ),
                steps=(
                    "Run the compatibility tool against the application queries to list unsupported operators.",
                    "Confirm that the engine version of the cluster supports the MongoDB API version you target.",
                    "Connect with TLS using the current certificate bundle.",
                ),
                asks=(
                    "The cluster identifier and engine version",
                    "The failing query or aggregation",
                    "The driver name and version",
                ),
            ),
        ),
    ),
    # -------------------------------------------------------------------------------- analytics
    _p(
        "Amazon Athena",
        "Athena",
        named=("our Athena queries", "Amazon Athena", "Athena"),
        nouns=(
            "the query engine",
            "our SQL queries on the lake",
            "the queries",
            "the workgroup",
            "our ad-hoc SQL",
        ),
        vocab=(
            "workgroup",
            "partition projection",
            "Data Catalog",
            "query result location",
            "data scanned",
            "CTAS",
        ),
        resources=("{app}-wg", "{app}_{env}.events"),
        issues=(
            _i(
                "Query Timeout",
                topics=(
                    "Queries timing out",
                    "Query exhausted resources",
                    "Long-running queries cancelled",
                    "Reports fail on large date ranges",
                ),
                symptoms=(
                    "queries over the last {n2} days of data run for 30 minutes and then fail",
                    "the same query finished in {n} minutes last week",
                    "queries with a large join fail with a resources error",
                ),
                errors=(
                    "Query exhausted resources at this scale factor",
                    "Query timeout",
                    "HIVE_PARTITION_SCHEMA_MISMATCH",
                ),
                metrics=("data scanned per query is {n3} GB", "queued time is {n2} seconds"),
                tried=(
                    "added partition filters",
                    "converted the data to Parquet",
                    "split the query in two",
                ),
                questions=(
                    "how should we partition a table that receives data every hour?",
                    "is partition projection a good fit for us?",
                ),
                steps=(
                    "Review the query execution details for data scanned and queued time.",
                    "Add partition filters and consider partition projection for tables with many partitions.",
                    "Convert the data to a columnar format such as Parquet and compact small files.",
                    "Check the workgroup limits and consider provisioned capacity for heavy workloads.",
                ),
                asks=(
                    "The query execution ID",
                    "The workgroup name",
                    "The table definition and partitioning scheme",
                ),
            ),
        ),
    ),
    _p(
        "Amazon EMR",
        "EMR",
        named=("our EMR cluster", "Amazon EMR", "EMR"),
        nouns=(
            "the Spark cluster",
            "our Hadoop jobs",
            "the transient cluster",
            "the big data cluster",
        ),
        vocab=(
            "core nodes",
            "task nodes",
            "instance fleet",
            "bootstrap action",
            "step",
            "YARN",
            "Spark executor",
        ),
        resources=("j-{H13}",),
        issues=(
            _i(
                "Cluster Termination",
                topics=(
                    "Cluster terminated unexpectedly",
                    "Cluster terminated with errors",
                    "Bootstrap failure terminates cluster",
                    "Clusters shut down overnight",
                ),
                symptoms=(
                    "the cluster terminates with errors about {n2} minutes into the run",
                    "long-running clusters shut down at night without anyone asking",
                    "the cluster fails during bootstrap and terminates",
                ),
                errors=(
                    "Terminated with errors: On the master instance, bootstrap action 1 returned a non-zero return code",
                    "Terminated with errors: The master node was terminated by user",
                    "Terminated with errors: All slaves in the job flow were terminated",
                ),
                metrics=(
                    "{n} clusters terminated this week",
                    "the step ran for {n2} minutes before termination",
                ),
                tried=(
                    "checked the bootstrap logs",
                    "disabled auto-termination",
                    "switched core nodes to on-demand",
                ),
                questions=(
                    "how should we set idle auto-termination for development clusters?",
                    "can we keep the logs after a cluster terminates?",
                ),
                steps=(
                    "Review the cluster status and the state change reason in the console.",
                    "Check the bootstrap action and step logs stored under the log URI.",
                    "Confirm the auto-termination and idle timeout settings of the cluster.",
                    "For Spot capacity, consider instance fleets with several instance types.",
                ),
                asks=("The cluster ID", "The state change reason", "The log URI"),
            ),
        ),
    ),
    _p(
        "Amazon Kinesis",
        "Kinesis",
        named=("our Kinesis stream", "Amazon Kinesis", "Kinesis", "the Kinesis data stream"),
        nouns=(
            "the stream",
            "our event stream",
            "the shards",
            "the ingestion pipeline",
            "our clickstream",
        ),
        vocab=(
            "shard",
            "partition key",
            "iterator age",
            "enhanced fan-out",
            "KCL consumer",
            "on-demand mode",
            "retention period",
        ),
        resources=("{app}-events-{env}", "{app}-stream"),
        weight=1.2,
        issues=(
            _i(
                "Shard Management",
                topics=(
                    "Resharding failing",
                    "Shard split stuck",
                    "Consumers lost after resharding",
                    "One hot shard",
                ),
                symptoms=(
                    "UpdateShardCount has been in progress for {n2} minutes",
                    "after splitting shards our consumers skip data from the child shards",
                    "one shard receives most of the traffic",
                ),
                errors=(
                    "LimitExceededException: Rate exceeded for stream",
                    "ResourceInUseException: Stream {res} under account {acct} not ACTIVE, instead in state UPDATING",
                ),
                metrics=(
                    "{n2} open shards with one at {pct}% of write capacity",
                    "iterator age is {ms2} ms",
                ),
                tried=(
                    "retried the resharding",
                    "checked the lease table",
                    "looked at the partition key distribution",
                ),
                questions=(
                    "should we move the stream to on-demand mode?",
                    "how many shards do we need for {n3} records per second?",
                ),
                steps=(
                    "Review the partition key distribution to detect hot shards.",
                    "Wait for the stream to return to ACTIVE before requesting another resharding operation.",
                    "Confirm that consumers finish parent shards before child shards.",
                    "Consider on-demand capacity mode for variable traffic.",
                ),
                asks=(
                    "The stream name and region",
                    "The current shard count",
                    "The consumer library and version",
                ),
            ),
            _i(
                "Data Stream Throttling",
                topics=(
                    "Producer throttling",
                    "Put requests throttled",
                    "Iterator age growing",
                    "Records dropped after retries",
                ),
                symptoms=(
                    "PutRecords calls are throttled during peak hours",
                    "consumers fall behind and the iterator age keeps growing",
                    "records are dropped after retries run out",
                ),
                errors=(
                    "ProvisionedThroughputExceededException: Rate exceeded for shard shardId-0000000000{n2} in stream {res}",
                    "ReadProvisionedThroughputExceeded",
                ),
                metrics=(
                    "WriteProvisionedThroughputExceeded is {n3} per minute",
                    "GetRecords.IteratorAgeMilliseconds reached {ms2}",
                ),
                tried=(
                    "added exponential backoff",
                    "increased the shard count",
                    "batched the records",
                ),
                questions=(
                    "how should we design partition keys for an even distribution?",
                    "is enhanced fan-out worth it for two consumers?",
                ),
                steps=(
                    "Review WriteProvisionedThroughputExceeded and ReadProvisionedThroughputExceeded per shard.",
                    "Use a partition key with high cardinality so that records spread evenly across shards.",
                    "Implement retries with exponential backoff and record aggregation in producers.",
                    "Consider enhanced fan-out when several consumers read the same stream.",
                ),
                asks=(
                    "The stream name",
                    "The shard IDs that are throttled",
                    "The producer request rates",
                ),
            ),
        ),
    ),
    _p(
        "AWS Glue",
        "Glue",
        named=("our Glue job", "AWS Glue", "Glue", "the Glue crawler"),
        nouns=("the ETL job", "the job", "our data pipeline job", "the crawler", "the nightly ETL"),
        vocab=(
            "DPU",
            "job bookmark",
            "Data Catalog",
            "crawler",
            "connection",
            "worker type",
            "dynamic frame",
        ),
        resources=("{app}-etl-{env}", "{app}-crawler"),
        weight=1.2,
        issues=(
            _i(
                "ETL Job Failure",
                topics=(
                    "ETL job failing",
                    "Job fails with out of memory",
                    "Nightly ETL run failed",
                    "Job writes no rows",
                ),
                symptoms=(
                    "the nightly ETL job fails after about {n2} minutes",
                    "the job succeeds but writes no rows because the bookmark skipped everything",
                    "executors are lost when the input grows past {n2} GB",
                ),
                errors=(
                    "An error occurred while calling o{n3}.pyWriteDynamicFrame. Unable to parse file",
                    "Container killed by YARN for exceeding memory limits",
                    "AnalysisException: Path does not exist: s3://{app}-{env}-data/raw/",
                ),
                metrics=(
                    "the job used {n2} DPUs for {n2} minutes before failing",
                    "{n} of the last {n2} runs failed",
                ),
                tried=(
                    "increased the number of workers",
                    "reset the job bookmark",
                    "switched to the G.2X worker type",
                ),
                questions=(
                    "how do job bookmarks behave when we reprocess a partition?",
                    "which worker type fits a memory-heavy join?",
                ),
                steps=(
                    "Review the job run error and the driver and executor logs.",
                    "Check whether the job bookmark state explains skipped or duplicated input.",
                    "Increase the worker type or the number of workers for memory-intensive stages.",
                    "Confirm that the job role can read the source and write the target locations.",
                ),
                asks=(
                    "The job name and run ID",
                    "The worker type and number of workers",
                    "The error from the driver log",
                ),
            ),
            _i(
                "Crawler Configuration",
                topics=(
                    "Crawler creating too many tables",
                    "Crawler not detecting partitions",
                    "Schema changes not picked up",
                    "Crawler fails with permissions error",
                ),
                symptoms=(
                    "the crawler creates one table per folder instead of one partitioned table",
                    "new partitions are not added to the catalog",
                    "schema changes are ignored by the crawler",
                ),
                errors=(
                    "Crawler failed: Internal Service Exception",
                    "AccessDeniedException: Insufficient Lake Formation permission(s)",
                ),
                metrics=(
                    "the crawler created {n3} tables",
                    "the last run took {n2} minutes and added 0 partitions",
                ),
                tried=(
                    "set the table grouping policy",
                    "recreated the crawler",
                    "checked the Lake Formation permissions",
                ),
                questions=(
                    "should we use crawlers or partition projection?",
                    "how do we exclude temporary files?",
                ),
                steps=(
                    "Review the crawler logs for the latest run.",
                    "Configure the table level and grouping behavior so that compatible schemas are combined.",
                    "Add exclude patterns for temporary and metadata files.",
                    "Confirm that the crawler role has Lake Formation permissions when the catalog uses them.",
                ),
                asks=("The crawler name", "The path that is crawled", "The schema change policy"),
            ),
        ),
    ),
    _p(
        "Amazon OpenSearch Service",
        "OpenSearch",
        named=(
            "our OpenSearch domain",
            "Amazon OpenSearch Service",
            "OpenSearch",
            "the OpenSearch cluster",
        ),
        nouns=(
            "the search cluster",
            "the domain",
            "our search backend",
            "the logging cluster",
            "the search nodes",
        ),
        vocab=(
            "data nodes",
            "dedicated master nodes",
            "JVM memory pressure",
            "shard count",
            "UltraWarm",
            "index state policy",
            "snapshot repository",
        ),
        resources=("{app}-search-{env}", "{app}-logs-{env}"),
        issues=(
            _i(
                "Cluster Stability",
                topics=(
                    "Cluster status red",
                    "Nodes dropping out",
                    "High JVM memory pressure",
                    "Indexing blocked",
                ),
                symptoms=(
                    "the cluster status went red and several indices are unavailable",
                    "data nodes keep restarting under load",
                    "indexing is blocked because of disk watermarks",
                ),
                errors=(
                    "ClusterBlockException: index [{app}-2025] blocked by: [FORBIDDEN/12/index read-only / allow delete (api)]",
                    "circuit_breaking_exception: [parent] Data too large",
                    "503 Service Unavailable",
                ),
                metrics=(
                    "JVMMemoryPressure is at {pct}%",
                    "ClusterStatus.red has been 1 for {n2} minutes",
                    "FreeStorageSpace is below {n2} GB",
                ),
                tried=("deleted old indices", "reduced the shard count", "added data nodes"),
                questions=(
                    "how many shards per node do you recommend?",
                    "should we add dedicated master nodes?",
                ),
                steps=(
                    "Review the JVMMemoryPressure, CPUUtilization and FreeStorageSpace metrics.",
                    "Check shard allocation with the cat allocation and cluster allocation explain APIs.",
                    "Reduce the shard count or add data nodes to balance the load.",
                    "Enable dedicated master nodes for production domains.",
                ),
                asks=(
                    "The domain name and region",
                    "The instance types and node counts",
                    "The output of the cluster health API",
                ),
            ),
        ),
    ),
    _p(
        "Amazon QuickSight",
        "QuickSight",
        named=("our QuickSight dashboard", "Amazon QuickSight", "QuickSight"),
        nouns=(
            "the dashboard",
            "our BI dashboards",
            "the reports",
            "the analysis",
            "the embedded dashboard",
        ),
        vocab=("SPICE", "dataset refresh", "visual", "analysis", "row-level security", "embedding"),
        resources=("{app}-dashboard", "{app}-kpi-analysis"),
        issues=(
            _i(
                "Dashboard Rendering",
                topics=(
                    "Dashboard not loading",
                    "Visuals stuck loading",
                    "Embedded dashboard blank",
                    "Visuals empty after refresh",
                ),
                symptoms=(
                    "the dashboard spinner runs for minutes and some visuals never render",
                    "embedded dashboards show a blank frame in our portal",
                    "visuals render with no data after the last dataset refresh",
                ),
                errors=(
                    "Your database generated a SQL exception",
                    "We encountered an error trying to load the visual",
                    "Embedding URL has expired",
                ),
                metrics=("the dashboard takes {n2} seconds to load", "SPICE usage is at {pct}%"),
                tried=(
                    "refreshed the dataset",
                    "tested in another browser",
                    "regenerated the embed URL",
                ),
                questions=(
                    "how do we set up row-level security for our customers?",
                    "what is the best way to embed dashboards in our app?",
                ),
                steps=(
                    "Check the dataset refresh history for failures.",
                    "Confirm that the embedding domain is allowed in the account settings.",
                    "Review the visual-level queries for heavy calculations and consider importing the data into SPICE.",
                ),
                asks=(
                    "The dashboard ID",
                    "The dataset name and refresh mode",
                    "A screenshot of the error",
                ),
            ),
        ),
    ),
    _p(
        "AWS Data Pipeline",
        "Data Pipeline",
        named=("AWS Data Pipeline", "our AWS Data Pipeline definition", "the AWS Data Pipeline"),
        nouns=(
            "the pipeline",
            "the scheduled pipeline",
            "the pipeline definition",
            "the legacy data pipeline",
        ),
        vocab=(
            "pipeline definition",
            "Task Runner",
            "activity",
            "schedule",
            "precondition",
            "worker group",
        ),
        resources=("df-{H13}",),
        weight=0.6,
        issues=(
            _i(
                "Pipeline Activation",
                topics=(
                    "Pipeline will not activate",
                    "Activation errors",
                    "Pipeline stuck in pending",
                    "Activities never start",
                ),
                symptoms=(
                    "activating the pipeline fails with a validation error",
                    "the pipeline stays in PENDING and no activities run",
                    "the schedule is active but activities never start",
                ),
                errors=(
                    "Pipeline definition has errors: Missing required field",
                    "Failed to activate pipeline: role does not have required permissions",
                    "WAITING_FOR_RUNNER",
                ),
                metrics=("{n} activities have been WAITING_FOR_RUNNER for {hours} hours",),
                tried=("validated the definition", "checked the roles", "restarted Task Runner"),
                questions=(
                    "what is the recommended migration path for our scheduled pipelines?",
                    "how do we reuse a definition across environments?",
                ),
                steps=(
                    "Validate the pipeline definition and fix any reported errors.",
                    "Confirm that the pipeline role and the resource role exist and have the required policies.",
                    "Check that a Task Runner is polling with the worker group of the activities.",
                ),
                asks=("The pipeline ID", "The pipeline definition", "The activation error message"),
            ),
        ),
    ),
    # ---------------------------------------------------------------------------------------- ML
    _p(
        "Amazon SageMaker",
        "SageMaker",
        named=(
            "our SageMaker endpoint",
            "Amazon SageMaker",
            "SageMaker",
            "the SageMaker training job",
        ),
        nouns=(
            "the model endpoint",
            "the training job",
            "our ML pipeline",
            "the inference endpoint",
            "our model",
        ),
        vocab=(
            "endpoint configuration",
            "instance type",
            "model artifact",
            "inference container",
            "ml.g5 instances",
            "service quota",
            "model registry",
        ),
        resources=("{app}-model-endpoint-{env}", "{app}-train-{n3}"),
        weight=1.2,
        issues=(
            _i(
                "Model Deployment",
                topics=(
                    "Endpoint creation failing",
                    "Model endpoint stuck in Creating",
                    "Inference errors after deploy",
                    "Container fails health check",
                ),
                symptoms=(
                    "the endpoint stays in Creating for an hour and then fails",
                    "the container fails the ping health check",
                    "invocations return 5xx errors after the new model version was deployed",
                ),
                errors=(
                    "The primary container for production variant AllTraffic did not pass the ping health check",
                    "ModelError: Received server error (500) from primary",
                    "ResourceLimitExceeded: The account-level service limit 'ml.g5.xlarge for endpoint usage' is 0 Instances",
                ),
                metrics=(
                    "ModelLatency p99 is {ms2} ms",
                    "Invocation5XXErrors is at {n2} per minute",
                ),
                tried=(
                    "tested the container locally",
                    "increased the startup health check timeout",
                    "requested a quota increase",
                ),
                questions=(
                    "should we use serverless inference for a low-traffic model?",
                    "how do we do blue/green deployments for endpoints?",
                ),
                steps=(
                    "Review the endpoint logs for container startup errors.",
                    "Confirm that the container responds to /ping and /invocations on port 8080.",
                    "Check the service quota for the instance type in this region.",
                    "Increase the container startup health check timeout for large models.",
                ),
                asks=(
                    "The endpoint name and region",
                    "The endpoint configuration",
                    "The container logs from startup",
                ),
            ),
            _i(
                "Training Job Resources",
                topics=(
                    "Training job out of capacity",
                    "GPU instance limit",
                    "Training job running out of memory",
                    "Training job out of disk",
                ),
                symptoms=(
                    "training jobs fail to start because there is no capacity for the GPU instance type",
                    "the job runs out of disk while downloading the dataset",
                    "GPU memory fills up halfway through the first epoch",
                ),
                errors=(
                    "ResourceLimitExceeded: The account-level service limit 'ml.p3.2xlarge for training job usage' is 0 Instances",
                    "CapacityError: Unable to provision requested ML compute capacity",
                    "RuntimeError: CUDA out of memory",
                ),
                metrics=(
                    "GPU utilization is only {pct}%",
                    "the job waited {n2} minutes in Starting",
                ),
                tried=(
                    "requested a quota increase",
                    "increased the volume size",
                    "reduced the batch size",
                ),
                questions=(
                    "when should we use managed spot training?",
                    "how do we choose between pipe mode and file mode?",
                ),
                steps=(
                    "Check the service quotas for the training instance type in this region.",
                    "Increase the training volume size or stream the data with fast file mode.",
                    "Review GPU and memory utilization in the training job metrics.",
                    "Consider managed spot training with checkpoints for long jobs.",
                ),
                asks=("The training job name", "The instance type and count", "The failure reason"),
            ),
        ),
    ),
    _p(
        "Amazon Comprehend",
        "Comprehend",
        named=("Amazon Comprehend", "Comprehend", "our Comprehend custom recognizer"),
        nouns=(
            "the NLP API",
            "the entity recognizer",
            "the custom model",
            "the text analysis",
            "our entity extraction",
        ),
        vocab=(
            "custom entity recognizer",
            "annotations",
            "entity list",
            "confidence score",
            "endpoint",
            "language code",
        ),
        resources=("{app}-ner-v{n}",),
        weight=0.8,
        issues=(
            _i(
                "Entity Recognition Accuracy",
                topics=(
                    "Entities missed",
                    "Low recognition accuracy",
                    "Wrong entity types",
                    "Precision dropped after retraining",
                ),
                symptoms=(
                    "product codes in our documents are not detected as entities",
                    "the custom recognizer labels company names as people",
                    "precision dropped after we retrained with more data",
                ),
                errors=(
                    "InvalidRequestException: The number of annotations for entity type PRODUCT is less than the minimum",
                    "Recall: 0.{n2} on the test set",
                ),
                metrics=("F1 score is {pct}%", "about {pct}% of entities are missed"),
                tried=(
                    "added more annotations",
                    "used an entity list instead",
                    "checked the language code",
                ),
                questions=(
                    "how many annotations per entity type do you recommend?",
                    "is an entity list or annotations better for us?",
                ),
                steps=(
                    "Review the evaluation metrics per entity type in the recognizer details.",
                    "Add annotated examples for entity types with low recall, with at least the recommended minimum per type.",
                    "Confirm that the language code of the requests matches the training data.",
                ),
                asks=(
                    "The recognizer ARN",
                    "Example texts with the expected entities",
                    "The training data size per entity type",
                ),
            ),
        ),
    ),
    _p(
        "Amazon Rekognition",
        "Rekognition",
        named=("Amazon Rekognition", "Rekognition", "our Rekognition integration"),
        nouns=(
            "the image analysis API",
            "the face matching",
            "the label detection",
            "the moderation check",
            "our image pipeline",
        ),
        vocab=(
            "face collection",
            "similarity threshold",
            "label detection",
            "moderation labels",
            "bounding box",
            "confidence",
        ),
        resources=("{app}-faces", "{app}-collection-{env}"),
        weight=0.8,
        issues=(
            _i(
                "Image Analysis Results",
                topics=(
                    "Unexpected labels",
                    "Face match misses",
                    "Moderation false positives",
                    "Low confidence on product photos",
                ),
                symptoms=(
                    "face matches fail for photos that clearly show the same person",
                    "label detection returns low confidence for product photos",
                    "moderation flags harmless images",
                ),
                errors=(
                    "InvalidImageFormatException: Request has invalid image format",
                    "ImageTooLargeException: Image size is too large",
                ),
                metrics=(
                    "similarity scores are around {pct}%",
                    "about {pct}% of moderation results are false positives",
                ),
                tried=(
                    "lowered the similarity threshold",
                    "resized the images",
                    "tested the same images in the console",
                ),
                questions=(
                    "what similarity threshold do you recommend for identity checks?",
                    "how can we train custom labels?",
                ),
                steps=(
                    "Review the confidence and similarity values returned for sample images.",
                    "Confirm that the images meet the recommended resolution and format.",
                    "Tune the similarity threshold for your use case and evaluate it on a labelled sample.",
                ),
                asks=(
                    "Sample images with the expected results",
                    "The API operation used",
                    "The threshold settings",
                ),
            ),
        ),
    ),
    _p(
        "Amazon Textract",
        "Textract",
        named=("Amazon Textract", "Textract", "our Textract jobs"),
        nouns=(
            "the OCR service",
            "the document extraction",
            "the form extraction",
            "the OCR jobs",
            "our document pipeline",
        ),
        vocab=(
            "AnalyzeDocument",
            "forms",
            "tables",
            "queries feature",
            "asynchronous job",
            "confidence",
            "page limit",
        ),
        resources=("{uuid}",),
        weight=0.8,
        issues=(
            _i(
                "Document Processing Errors",
                topics=(
                    "Document processing fails",
                    "Tables not extracted",
                    "OCR job failing",
                    "Handwriting not recognized",
                ),
                symptoms=(
                    "asynchronous jobs fail for multi-page PDFs",
                    "tables are returned as plain lines",
                    "handwritten fields come back empty",
                ),
                errors=(
                    "UnsupportedDocumentException: Request has unsupported document format",
                    "InvalidS3ObjectException: Unable to get object metadata from S3",
                    "ProvisionedThroughputExceededException",
                ),
                metrics=("{pct}% of documents fail", "jobs take {n2} minutes"),
                tried=(
                    "converted the files to PDF/A",
                    "checked the document size limits",
                    "split the document",
                ),
                questions=(
                    "what is the best way to process very large PDFs?",
                    "can the queries feature extract specific fields?",
                ),
                steps=(
                    "Confirm that the documents meet the supported formats, sizes and page limits.",
                    "Use the asynchronous APIs for multi-page documents.",
                    "Review the job status and the warnings returned by the API.",
                ),
                asks=("The job ID", "A sample document", "The API operation and features used"),
            ),
        ),
    ),
    # ---------------------------------------------------------------------------------- network
    _p(
        "Amazon VPC",
        "VPC",
        named=("our VPC", "Amazon VPC", "the VPC"),
        nouns=(
            "the network",
            "our private subnets",
            "the subnets",
            "the network setup",
            "our private network",
        ),
        vocab=(
            "route table",
            "subnet CIDR",
            "NAT gateway",
            "internet gateway",
            "network ACL",
            "gateway endpoint",
            "flow logs",
        ),
        resources=("subnet-{h17}", "nat-{h17}"),
        weight=1.4,
        issues=(
            _i(
                "Subnet Configuration",
                topics=(
                    "Subnet out of IP addresses",
                    "Hosts in new subnet have no internet",
                    "CIDR overlap",
                    "Route table association wrong",
                ),
                symptoms=(
                    "new resources in the subnet fail because there are no free IP addresses",
                    "hosts in the new private subnet cannot reach the internet",
                    "we cannot add a secondary CIDR because of an overlap",
                ),
                errors=(
                    "InsufficientFreeAddressesInSubnet",
                    "InvalidSubnet.Conflict: The CIDR '10.{n}.0.0/20' conflicts with another subnet",
                    "InvalidVpc.Range",
                ),
                metrics=(
                    "available IPs in the subnet dropped to {n}",
                    "{pct}% of the address space is used",
                ),
                tried=(
                    "checked the route table association",
                    "added a secondary CIDR",
                    "reviewed the flow logs",
                ),
                questions=(
                    "how should we plan CIDR ranges for many accounts?",
                    "should we use IPv6 for new subnets?",
                ),
                steps=(
                    "Review the available IP addresses of each subnet.",
                    "Confirm that the subnet is associated with the intended route table.",
                    "Check the network ACL rules for both inbound and outbound traffic.",
                    "Enable flow logs to confirm where traffic is rejected.",
                ),
                asks=("The subnet IDs", "The route table ID", "The CIDR ranges involved"),
            ),
            _i(
                "NAT Gateway Failure",
                topics=(
                    "NAT gateway dropping connections",
                    "No outbound internet from private subnet",
                    "Port allocation errors",
                    "Outbound calls timing out",
                ),
                symptoms=(
                    "outbound calls from private subnets time out intermittently",
                    "the NAT gateway shows errors during peak traffic",
                    "hosts lost internet access after the NAT gateway was replaced",
                ),
                errors=("ErrorPortAllocation", "connect ETIMEDOUT {ip_pub}:443"),
                metrics=(
                    "ErrorPortAllocation is at {n3} per minute",
                    "PacketsDropCount rose to {n3}",
                ),
                tried=(
                    "checked the route table",
                    "added a second NAT gateway",
                    "reviewed connection reuse in our HTTP client",
                ),
                questions=(
                    "do we need one NAT gateway per Availability Zone?",
                    "how can we reduce data processing charges?",
                ),
                steps=(
                    "Review the ErrorPortAllocation and PacketsDropCount metrics of the NAT gateway.",
                    "Confirm that the private subnet route tables point to a NAT gateway in the available state.",
                    "Reuse connections to the same destination to reduce port allocation pressure.",
                    "Deploy one NAT gateway per Availability Zone for resilience.",
                ),
                asks=("The NAT gateway ID", "The affected subnet IDs", "The destination addresses"),
            ),
        ),
    ),
    _p(
        "AWS Direct Connect",
        "Direct Connect",
        named=("our Direct Connect link", "AWS Direct Connect", "Direct Connect"),
        nouns=(
            "the dedicated line",
            "the private connection",
            "the BGP session",
            "the cross connect",
            "our link to the data center",
        ),
        vocab=(
            "BGP session",
            "virtual interface",
            "LAG",
            "MACsec",
            "BFD",
            "ASN",
            "colocation provider",
        ),
        resources=("dxcon-{h8}", "dxvif-{h8}"),
        weight=0.7,
        issues=(
            _i(
                "Connection Stability",
                topics=(
                    "BGP session flapping",
                    "Dedicated connection down",
                    "Packet loss on private link",
                    "Traffic falling back to VPN",
                ),
                symptoms=(
                    "the BGP session flaps several times per hour",
                    "the connection went down at {time} UTC and traffic fell back to VPN",
                    "we see packet loss on the virtual interface during business hours",
                ),
                errors=("BGP state changed from Established to Idle", "ConnectionState: down"),
                metrics=("ConnectionState dropped {n} times today", "packet loss is around {pct}%"),
                tried=(
                    "checked the router logs",
                    "enabled BFD",
                    "asked the colocation provider to check the cross connect",
                ),
                questions=(
                    "how should we design redundancy across two locations?",
                    "is MACsec available on our port speed?",
                ),
                steps=(
                    "Review the ConnectionState and ConnectionBpsEgress metrics for the affected period.",
                    "Check the BGP and BFD configuration on your router against the virtual interface settings.",
                    "Ask the colocation provider to inspect the cross connect and optics.",
                ),
                asks=(
                    "The connection and virtual interface IDs",
                    "Router logs for the affected period",
                    "The time of each drop",
                ),
            ),
        ),
    ),
    _p(
        "Elastic Load Balancing",
        "ELB",
        named=("our Application Load Balancer", "Elastic Load Balancing", "the ELB", "our ALB"),
        nouns=(
            "the load balancer",
            "the target group",
            "the listener",
            "our front door",
            "the balancer",
        ),
        vocab=(
            "target group",
            "health check path",
            "listener rule",
            "deregistration delay",
            "cross-zone load balancing",
            "healthy threshold",
        ),
        resources=("{app}-{env}-lb", "{app}-tg"),
        weight=1.3,
        issues=(
            _i(
                "Health Check Configuration",
                topics=(
                    "Targets marked unhealthy",
                    "Health checks failing",
                    "502 errors during deploys",
                    "Targets flapping",
                ),
                symptoms=(
                    "targets are marked unhealthy although the application responds",
                    "all targets flap between healthy and unhealthy",
                    "we get 502 errors for a few minutes during every deploy",
                ),
                errors=(
                    "Health checks failed with these codes: [404]",
                    "Target.Timeout",
                    "HTTP/1.1 502 Bad Gateway",
                ),
                metrics=(
                    "UnHealthyHostCount is {n} of {n2}",
                    "HTTPCode_ELB_502_Count spikes to {n3}",
                ),
                tried=(
                    "changed the health check path",
                    "increased the health check timeout",
                    "raised the deregistration delay",
                ),
                questions=(
                    "what health check settings fit a slow-starting app?",
                    "should we enable slow start mode?",
                ),
                steps=(
                    "Confirm that the health check path returns a success code within the matcher range.",
                    "Verify that the target security group allows traffic from the load balancer on the health check port.",
                    "Adjust the health check interval, timeout and thresholds to the application startup time.",
                    "Review the deregistration delay and slow start settings.",
                ),
                asks=(
                    "The load balancer and target group ARNs",
                    "The health check configuration",
                    "The target health descriptions",
                ),
            ),
        ),
    ),
    _p(
        "Amazon CloudFront",
        "CloudFront",
        named=("our CloudFront distribution", "Amazon CloudFront", "CloudFront"),
        nouns=(
            "the CDN",
            "the distribution",
            "the edge cache",
            "our static site delivery",
            "the CDN layer",
        ),
        vocab=(
            "cache policy",
            "origin request policy",
            "TTL",
            "invalidation",
            "cache key",
            "origin",
            "cache behavior",
        ),
        resources=("E{H13}",),
        weight=1.1,
        issues=(
            _i(
                "Cache Behavior",
                topics=(
                    "Content not cached",
                    "Stale content after deploy",
                    "Wrong behavior matched",
                    "Origin load too high",
                ),
                symptoms=(
                    "requests for static assets always go to the origin",
                    "users see old content for hours after a deploy",
                    "the API path is matched by the default behavior",
                ),
                errors=("X-Cache: Miss from cloudfront", "Age: 0", "X-Cache: RefreshHit"),
                metrics=("CacheHitRate is {pct}%", "origin requests went up to {n3} per second"),
                tried=(
                    "created an invalidation",
                    "checked the cache policy",
                    "removed cookies from the cache key",
                ),
                questions=(
                    "how should we version static assets?",
                    "when should we use invalidations?",
                ),
                steps=(
                    "Review which cache behavior matches the request path, and the order of the behaviors.",
                    "Check the TTLs of the cache policy and which headers, cookies and query strings are part of the cache key.",
                    "Confirm that the origin sends Cache-Control headers that allow caching.",
                    "Use versioned file names instead of frequent invalidations.",
                ),
                asks=(
                    "The distribution ID",
                    "Example URLs with their response headers",
                    "The cache behavior configuration",
                ),
            ),
        ),
    ),
    _p(
        "Amazon Route 53",
        "Route 53",
        named=("Route 53", "Amazon Route 53", "our Route 53 hosted zone"),
        nouns=("our DNS", "the hosted zone", "the DNS records", "name resolution", "the DNS setup"),
        vocab=(
            "hosted zone",
            "alias record",
            "TTL",
            "health check",
            "resolver rule",
            "private hosted zone",
            "failover routing",
        ),
        resources=("api.{domain}", "Z{H13}"),
        weight=1.1,
        issues=(
            _i(
                "DNS Resolution",
                topics=(
                    "Domain not resolving",
                    "NXDOMAIN for new record",
                    "Private DNS not resolving",
                    "Old IP still returned",
                ),
                symptoms=(
                    "api.{domain} does not resolve for some users",
                    "a new record still returns NXDOMAIN after {n2} minutes",
                    "the private hosted zone does not resolve from one of our VPCs",
                ),
                errors=("NXDOMAIN", "SERVFAIL", "DNS_PROBE_FINISHED_NXDOMAIN"),
                metrics=(
                    "about {pct}% of resolvers return the old address",
                    "the TTL is {n3} seconds",
                ),
                tried=(
                    "checked the NS records at the registrar",
                    "lowered the TTL",
                    "associated the VPC with the zone",
                ),
                questions=(
                    "how do we migrate DNS without downtime?",
                    "should we use failover routing for two regions?",
                ),
                steps=(
                    "Confirm that the name servers at the registrar match the NS records of the hosted zone.",
                    "Query the record against the authoritative name servers to isolate caching effects.",
                    "For private hosted zones, confirm the VPC association and the DNS settings of the VPC.",
                ),
                asks=(
                    "The hosted zone ID",
                    "The record name and type",
                    "Resolver output from an affected client",
                ),
            ),
        ),
    ),
    _p(
        "AWS Global Accelerator",
        "Global Accelerator",
        named=("AWS Global Accelerator", "Global Accelerator", "our Global Accelerator setup"),
        nouns=(
            "the static anycast IPs",
            "the endpoint group",
            "the global entry point",
            "the accelerator listener",
        ),
        vocab=(
            "endpoint group",
            "traffic dial",
            "endpoint weight",
            "client affinity",
            "health check",
            "static IP",
        ),
        resources=("{app}-accelerator", "{app}-{env}-ga"),
        weight=0.7,
        issues=(
            _i(
                "Endpoint Routing",
                topics=(
                    "Traffic routed to the wrong region",
                    "Endpoint not receiving traffic",
                    "Failover not happening",
                    "Uneven traffic split",
                ),
                symptoms=(
                    "users in Europe are sent to the endpoint in us-west-2",
                    "one endpoint receives no traffic at all",
                    "traffic did not fail over when the primary region was unhealthy",
                ),
                errors=("Endpoint health: UNHEALTHY", "Connection reset by peer"),
                metrics=(
                    "{pct}% of flows go to one region",
                    "NewFlowCount for the endpoint group is 0",
                ),
                tried=(
                    "checked the traffic dial",
                    "reviewed the endpoint weights",
                    "verified the health checks",
                ),
                questions=(
                    "how do we shift traffic gradually between regions?",
                    "when should we use client affinity?",
                ),
                steps=(
                    "Review the traffic dial of each endpoint group and the endpoint weights.",
                    "Confirm that the endpoint health checks succeed.",
                    "Check the client affinity setting of the listener.",
                ),
                asks=(
                    "The accelerator ARN",
                    "The endpoint group configuration",
                    "The client locations affected",
                ),
            ),
        ),
    ),
    # --------------------------------------------------------------------------------- security
    _p(
        "AWS IAM",
        "IAM",
        named=("IAM", "AWS IAM", "our IAM roles"),
        nouns=("the role", "our permissions", "the policy", "access control", "our access setup"),
        vocab=(
            "permissions boundary",
            "trust policy",
            "inline policy",
            "managed policy",
            "session policy",
            "Access Analyzer",
            "condition key",
        ),
        resources=("arn:aws:iam::{acct}:role/{app}-{env}-role",),
        weight=1.6,
        issues=(
            _i(
                "Permission Boundaries",
                topics=(
                    "Permissions boundary blocking actions",
                    "Developers cannot create roles",
                    "Boundary denies allowed action",
                    "Roles created without boundary",
                ),
                symptoms=(
                    "developers cannot create roles even though their policy allows iam:CreateRole",
                    "an action allowed by the identity policy is denied because of the boundary",
                    "roles created by our pipeline end up without the boundary",
                ),
                errors=(
                    "User: arn:aws:iam::{acct}:user/{app}-deployer is not authorized to perform: iam:CreateRole with an explicit deny in a permissions boundary",
                    "AccessDenied: not authorized to perform iam:PutRolePolicy",
                ),
                metrics=("{n2} denied calls per hour in CloudTrail",),
                tried=(
                    "used the policy simulator",
                    "checked the condition keys",
                    "compared it with an admin role",
                ),
                questions=(
                    "how do we enforce boundaries on roles created by developers?",
                    "can boundaries be combined with SCPs?",
                ),
                steps=(
                    "Use the IAM policy simulator with the permissions boundary to evaluate the denied action.",
                    "Remember that effective permissions are the intersection of the identity policy and the boundary.",
                    "Add an iam:PermissionsBoundary condition to policies that allow role creation.",
                ),
                asks=(
                    "The ARN of the principal",
                    "The permissions boundary policy",
                    "The denied action and resource",
                ),
            ),
            _i(
                "Role Assumption",
                topics=(
                    "Cannot assume role",
                    "AssumeRole access denied",
                    "Cross-account role fails",
                    "Sessions expire too early",
                ),
                symptoms=(
                    "AssumeRole from our CI account fails",
                    "the role works from the console but not from code",
                    "sessions expire after one hour even though we set a longer duration",
                ),
                errors=(
                    "An error occurred (AccessDenied) when calling the AssumeRole operation: User is not authorized to perform: sts:AssumeRole",
                    "The requested DurationSeconds exceeds the MaxSessionDuration set for this role",
                ),
                metrics=("{n3} failed AssumeRole calls in CloudTrail",),
                tried=(
                    "checked the trust policy",
                    "verified the external ID",
                    "raised the session duration",
                ),
                questions=(
                    "how do we set up cross-account access for CI?",
                    "should we use external IDs?",
                ),
                steps=(
                    "Confirm that the trust policy of the role allows the calling principal.",
                    "Verify that the calling principal has sts:AssumeRole permission for the role ARN.",
                    "Check any external ID, MFA or source identity conditions.",
                    "Review the maximum session duration of the role.",
                ),
                asks=(
                    "The role ARN",
                    "The ARN of the calling principal",
                    "The full error, including the request ID",
                ),
            ),
        ),
    ),
    _p(
        "Amazon Cognito",
        "Cognito",
        named=("Cognito", "Amazon Cognito", "our Cognito user pool"),
        nouns=("the login", "user sign-in", "the user pool", "authentication", "our sign-in flow"),
        vocab=(
            "user pool",
            "app client",
            "hosted UI",
            "refresh token",
            "MFA",
            "pre-token trigger",
            "identity provider",
        ),
        resources=("{poolid}",),
        weight=1.1,
        issues=(
            _i(
                "User Pool Authentication",
                topics=(
                    "Users cannot log in",
                    "Sign-in failing",
                    "Token refresh errors",
                    "Federated sign-in broken",
                ),
                symptoms=(
                    "users cannot sign in and get a generic error",
                    "refresh tokens stop working after a few hours",
                    "federated sign-in through our identity provider fails",
                ),
                errors=(
                    "NotAuthorizedException: Incorrect username or password.",
                    "InvalidParameterException: USER_PASSWORD_AUTH flow not enabled for this client",
                    "error=invalid_grant",
                ),
                metrics=("{pct}% of sign-in attempts fail", "{n3} users are affected"),
                tried=(
                    "reset a test user",
                    "checked the app client settings",
                    "reviewed the trigger logs",
                ),
                questions=(
                    "how do we migrate users from our old system?",
                    "can we customize the hosted UI?",
                ),
                steps=(
                    "Confirm that the app client enables the authentication flow used by the application.",
                    "Review the logs of any pre-authentication or pre-token generation triggers.",
                    "Check the app client secret and the token validity settings.",
                ),
                asks=(
                    "The user pool ID",
                    "The app client ID",
                    "A timestamp and username of a failed sign-in",
                ),
            ),
        ),
    ),
    _p(
        "AWS WAF",
        "WAF",
        named=("AWS WAF", "WAF", "our WAF web ACL"),
        nouns=(
            "the firewall rules",
            "the web ACL",
            "the rate limit",
            "the managed rules",
            "our firewall",
        ),
        vocab=(
            "web ACL",
            "managed rule group",
            "rate-based rule",
            "count mode",
            "label",
            "sampled requests",
            "scope-down statement",
        ),
        resources=("{app}-web-acl",),
        issues=(
            _i(
                "Rule Evaluation",
                topics=(
                    "Legitimate requests blocked",
                    "Rule not matching",
                    "Rate limit too aggressive",
                    "Checkout blocked by managed rule",
                ),
                symptoms=(
                    "legitimate requests are blocked by a managed rule",
                    "a custom rule never matches",
                    "the rate-based rule blocks our office NAT address",
                ),
                errors=("403 Forbidden", "terminatingRuleId: AWS-AWSManagedRulesCommonRuleSet"),
                metrics=(
                    "BlockedRequests jumped to {n3} per minute",
                    "{pct}% of checkout requests are blocked",
                ),
                tried=(
                    "switched the rule to count mode",
                    "looked at the sampled requests",
                    "added a scope-down statement",
                ),
                questions=(
                    "how do we test new rules safely?",
                    "what rate limit do you recommend for a login page?",
                ),
                steps=(
                    "Review the sampled requests and logs to identify the terminating rule.",
                    "Set the rule to count mode while tuning it.",
                    "Add scope-down statements or rule exclusions for legitimate traffic.",
                ),
                asks=("The web ACL name", "A blocked request ID", "The rule configuration"),
            ),
        ),
    ),
    _p(
        "AWS Shield",
        "Shield",
        named=("AWS Shield", "Shield Advanced", "our Shield protection"),
        nouns=(
            "our DDoS protection",
            "the protection",
            "the protected resources",
            "DDoS mitigation",
            "the attack mitigation",
        ),
        vocab=(
            "protection group",
            "health-based detection",
            "automatic application layer mitigation",
            "proactive engagement",
            "DDoS response team",
        ),
        resources=("{app}-{env}-lb", "E{H13}"),
        weight=0.7,
        issues=(
            _i(
                "DDoS Protection Configuration",
                topics=(
                    "Protection configuration question",
                    "Attack not mitigated",
                    "Automatic mitigation not triggering",
                    "Cannot add protection",
                ),
                symptoms=(
                    "automatic mitigation did not trigger during a traffic flood",
                    "we cannot add a protection to the resource",
                    "we do not see attack events although traffic spiked",
                ),
                errors=("InvalidResourceException", "ResourceAlreadyExistsException"),
                metrics=(
                    "DDoSDetected was 1 for {n2} minutes",
                    "the request rate reached {n3}k per second",
                ),
                tried=(
                    "enabled automatic mitigation",
                    "associated health checks",
                    "checked the subscription",
                ),
                questions=(
                    "how do we configure proactive engagement?",
                    "which resources should we protect first?",
                ),
                steps=(
                    "Confirm that the resource is protected and associated with a health check.",
                    "Review the automatic application layer mitigation settings.",
                    "Check the attack events for the affected time window.",
                ),
                asks=(
                    "The ARNs of the protected resources",
                    "The time of the event",
                    "The associated web ACL",
                ),
            ),
        ),
    ),
    _p(
        "AWS KMS",
        "KMS",
        named=("AWS KMS", "KMS", "our KMS key"),
        nouns=("the encryption key", "the customer managed key", "the key", "our keys", "the CMK"),
        vocab=("key policy", "key rotation", "alias", "grant", "multi-Region key", "key material"),
        resources=("alias/{app}-{env}",),
        weight=0.9,
        issues=(
            _i(
                "Key Rotation",
                topics=(
                    "Automatic rotation not happening",
                    "Decrypt fails after rotation",
                    "Rotation period question",
                    "Cannot enable rotation",
                ),
                symptoms=(
                    "automatic rotation does not appear to happen",
                    "decryption fails after the key material was imported again",
                    "we cannot enable rotation for the key",
                ),
                errors=(
                    "UnsupportedOperationException",
                    "AccessDeniedException: not authorized to perform kms:EnableKeyRotation",
                    "InvalidCiphertextException",
                ),
                metrics=("the last rotation date is {n2} months old",),
                tried=(
                    "checked the rotation status",
                    "reviewed the key policy",
                    "tested a decrypt call",
                ),
                questions=(
                    "can we set a custom rotation period?",
                    "what happens to data encrypted before a rotation?",
                ),
                steps=(
                    "Check the rotation status and the last rotation date of the key.",
                    "Note that automatic rotation is not supported for imported key material or asymmetric keys.",
                    "Confirm that the principal has kms:EnableKeyRotation permission in the key policy.",
                ),
                asks=("The key ARN", "The key spec and origin", "The error message"),
            ),
        ),
    ),
    _p(
        "AWS Secrets Manager",
        "Secrets Manager",
        named=("Secrets Manager", "AWS Secrets Manager"),
        nouns=(
            "the secret",
            "our credentials store",
            "the secret value",
            "the rotation",
            "the stored credentials",
        ),
        vocab=(
            "rotation function",
            "staging label",
            "resource policy",
            "interface endpoint",
            "KMS key",
            "caching client",
        ),
        resources=("{env}/{app}/db-credentials",),
        weight=0.9,
        issues=(
            _i(
                "Secret Retrieval",
                topics=(
                    "Cannot retrieve secret",
                    "GetSecretValue denied",
                    "Stale secret after rotation",
                    "Secret calls timing out",
                ),
                symptoms=(
                    "GetSecretValue calls fail from the application",
                    "the app reads an old value after rotation",
                    "calls from the private subnet time out",
                ),
                errors=(
                    "AccessDeniedException: not authorized to perform: secretsmanager:GetSecretValue",
                    "ResourceNotFoundException: Secrets Manager can't find the specified secret.",
                    "DecryptionFailure",
                ),
                metrics=("{n3} failed calls per hour",),
                tried=(
                    "checked the role policy",
                    "added an interface endpoint",
                    "verified the KMS key",
                ),
                questions=("how should we cache secrets?", "how do we rotate without downtime?"),
                steps=(
                    "Confirm that the role has secretsmanager:GetSecretValue and kms:Decrypt permissions.",
                    "Check the AWSCURRENT and AWSPENDING staging labels of the secret.",
                    "Verify network access to the service endpoint from the private subnet.",
                ),
                asks=("The secret ARN", "The role ARN", "The exact error"),
            ),
        ),
    ),
    # ---------------------------------------------------------------------------------- devtools
    _p(
        "AWS CodePipeline",
        "CodePipeline",
        named=("CodePipeline", "AWS CodePipeline", "our CodePipeline release pipeline"),
        nouns=(
            "the release pipeline",
            "the CI/CD pipeline",
            "the deploy stage",
            "our pipeline",
            "the release process",
        ),
        vocab=(
            "source stage",
            "artifact store",
            "action",
            "manual approval",
            "webhook",
            "source connection",
            "execution mode",
        ),
        resources=("{app}-pipeline", "{app}-{env}-release"),
        issues=(
            _i(
                "Pipeline Execution",
                topics=(
                    "Pipeline stuck in progress",
                    "Source stage not triggering",
                    "Executions failing",
                    "Deploy stage fails on artifact",
                ),
                symptoms=(
                    "commits to main no longer trigger the pipeline",
                    "an execution has been stuck in progress since {when_ago}",
                    "the deploy stage fails with an artifact error",
                    "executions are superseded before they reach production",
                ),
                errors=(
                    "InternalError: Insufficient permissions. The provided role does not have permissions to perform this action",
                    "Unable to access the artifact with Amazon S3 object key '{app}-pipeline/BuildArtif/{h8}'",
                    "Connection is not available: connection status PENDING",
                ),
                metrics=(
                    "{n} failed executions today",
                    "the last successful execution was {hours} hours ago",
                ),
                tried=(
                    "retried the failed stage",
                    "recreated the source connection",
                    "checked the artifact bucket permissions",
                ),
                questions=(
                    "how do we add a manual approval before production?",
                    "can we run the test actions in parallel?",
                ),
                steps=(
                    "Review the execution details to identify the failing action and its error message.",
                    "Confirm that the service role can access the artifact store and invoke every action provider.",
                    "Check the status of the source connection and reconnect it if it is pending.",
                    "Review the execution mode of the pipeline to understand superseded executions.",
                ),
                asks=(
                    "The pipeline name and region",
                    "The execution ID of a failed run",
                    "The name of the failing action",
                ),
            ),
        ),
    ),
    _p(
        "AWS CodeBuild",
        "CodeBuild",
        named=("CodeBuild", "AWS CodeBuild", "our CodeBuild project"),
        nouns=("the build", "our CI builds", "the build project", "the build container", "our CI"),
        vocab=(
            "buildspec",
            "compute type",
            "build image",
            "local cache",
            "VPC configuration",
            "environment variables",
            "privileged mode",
        ),
        resources=("{app}-build", "{app}-{env}-ci"),
        issues=(
            _i(
                "Build Environment",
                topics=(
                    "Builds slower than expected",
                    "Build image pull fails",
                    "Docker commands fail in build",
                    "Provisioning phase takes forever",
                ),
                symptoms=(
                    "builds take {n2} minutes, about twice as long as last month",
                    "the build fails while pulling our custom image",
                    "docker commands fail inside the build container",
                    "the provisioning phase alone takes several minutes",
                ),
                errors=(
                    "CLIENT_ERROR: error while downloading source",
                    "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?",
                    "BUILD_CONTAINER_UNABLE_TO_PULL_IMAGE: Unable to pull customer's container image",
                ),
                metrics=(
                    "the provisioning phase takes {n2} minutes",
                    "queued time is {n2} minutes at peak",
                ),
                tried=(
                    "enabled local caching",
                    "moved to a larger compute type",
                    "enabled privileged mode",
                ),
                questions=(
                    "which caching mode fits a monorepo?",
                    "how can we reduce provisioning time for short builds?",
                ),
                steps=(
                    "Review the duration of each build phase to locate where the time is spent.",
                    "Enable privileged mode when the build runs Docker commands.",
                    "Confirm that the service role can pull the build image from the registry.",
                    "Enable local or remote caching for dependencies.",
                ),
                asks=(
                    "The build project name",
                    "The ID of a slow or failed build",
                    "The buildspec file",
                ),
            ),
        ),
    ),
    _p(
        "AWS CodeDeploy",
        "CodeDeploy",
        named=("CodeDeploy", "AWS CodeDeploy", "our CodeDeploy deployment group"),
        nouns=(
            "the deployment",
            "our deployment group",
            "the rollout",
            "the deploy agent",
            "our release rollout",
        ),
        vocab=(
            "deployment group",
            "appspec file",
            "lifecycle hook",
            "agent",
            "deployment configuration",
            "automatic rollback",
        ),
        resources=("{app}-{env}-dg",),
        issues=(
            _i(
                "Deployment Configuration",
                topics=(
                    "Deployments failing on lifecycle hooks",
                    "Deployment configuration not respected",
                    "Automatic rollback not working",
                    "All hosts updated at once",
                ),
                symptoms=(
                    "deployments fail at the ApplicationStart hook on about half of the hosts",
                    "a deployment has been stuck for {n2} minutes without progress",
                    "all hosts are updated at once instead of one at a time",
                    "failed deployments are not rolled back although rollback is enabled",
                ),
                errors=(
                    "Script at specified location: scripts/start.sh run as user root failed with exit code 1",
                    "The overall deployment failed because too many individual instances failed deployment",
                    "HEALTH_CONSTRAINTS: The deployment failed because a specified minimum number of healthy instances could not be maintained",
                ),
                metrics=(
                    "{n} of {n2} hosts failed the last deployment",
                    "the deployment took {n2} minutes",
                ),
                tried=(
                    "checked the agent logs",
                    "changed the deployment configuration",
                    "redeployed the last good revision",
                ),
                questions=(
                    "which deployment configuration do you recommend for blue/green?",
                    "how can we use hooks to validate a release?",
                ),
                steps=(
                    "Review the lifecycle event logs of a failed host to find the failing script.",
                    "Confirm that the deployment configuration sets the expected minimum number of healthy hosts.",
                    "Check that the agent is running and up to date on every host.",
                    "Enable automatic rollback on deployment failure in the deployment group.",
                ),
                asks=("The deployment ID", "The deployment group name", "The appspec file"),
            ),
        ),
    ),
    _p(
        "AWS CloudFormation",
        "CloudFormation",
        named=("CloudFormation", "AWS CloudFormation", "our CloudFormation stack"),
        nouns=(
            "the stack",
            "our infrastructure template",
            "the template",
            "the nested stacks",
            "our IaC deployment",
        ),
        vocab=(
            "change set",
            "stack events",
            "drift detection",
            "nested stack",
            "stack policy",
            "custom resource",
        ),
        resources=("{app}-{env}-stack", "{app}-network-{env}"),
        weight=1.3,
        issues=(
            _i(
                "Stack Creation Failure",
                topics=(
                    "Stack creation fails",
                    "Template validation error",
                    "Resource creation failed",
                    "Custom resource hangs",
                ),
                symptoms=(
                    "the stack fails to create and rolls back every time",
                    "template validation fails on a template that worked last week",
                    "a custom resource hangs for an hour before the stack fails",
                    "a nested stack fails without a clear reason in the parent",
                ),
                errors=(
                    'Resource handler returned message: "Invalid request provided" (HandlerErrorCode: InvalidRequest)',
                    "Template format error: Unresolved resource dependencies [{app}Role] in the Resources block of the template",
                    "CREATE_FAILED: Embedded stack was not successfully created",
                ),
                metrics=(
                    "{n} of {n2} resources failed to create",
                    "the stack ran for {n2} minutes before rolling back",
                ),
                tried=(
                    "validated the template",
                    "deployed the resources one by one",
                    "read through the stack events",
                ),
                questions=(
                    "how should we structure nested stacks for several teams?",
                    "should we use change sets for every deployment?",
                ),
                steps=(
                    "Review the stack events to find the first resource that failed and its status reason.",
                    "Validate the template and confirm that the resource properties match the resource specification.",
                    "For custom resources, confirm that the function sends a response to the presigned URL.",
                    "Open the nested stack events to see the underlying failure.",
                ),
                asks=(
                    "The stack name and region",
                    "The logical ID of the failing resource",
                    "The template",
                ),
            ),
            _i(
                "Resource Rollback",
                topics=(
                    "Stack stuck in UPDATE_ROLLBACK_FAILED",
                    "Rollback failing",
                    "Cannot delete stack",
                    "Stack stuck rolling back",
                ),
                symptoms=(
                    "the stack is stuck in UPDATE_ROLLBACK_FAILED",
                    "the rollback fails on a resource that someone deleted manually",
                    "we cannot delete the stack because one resource refuses to go",
                ),
                errors=(
                    "UPDATE_ROLLBACK_FAILED: The following resource(s) failed to update: [{app}Service]",
                    "Resource is not in the state stackUpdateComplete",
                    "DELETE_FAILED: resource {res} has dependencies and cannot be deleted",
                ),
                metrics=(
                    "the stack has been stuck for {hours} hours",
                    "{n} resources are in a failed state",
                ),
                tried=(
                    "attempted continue-update-rollback",
                    "skipped the failing resources",
                    "ran drift detection",
                ),
                questions=(
                    "how do we avoid manual changes breaking stacks?",
                    "when should we use stack policies?",
                ),
                steps=(
                    "Use continue update rollback and skip the resources that cannot be rolled back.",
                    "Review drift detection results for resources that were changed outside the stack.",
                    "Check the stack events for the status reason of each failed resource.",
                ),
                asks=(
                    "The stack name",
                    "The resources in a failed state",
                    "The stack events around the failure",
                ),
            ),
        ),
    ),
    # ------------------------------------------------------------------------------- management
    _p(
        "AWS CloudWatch",
        "CloudWatch",
        named=("CloudWatch", "AWS CloudWatch", "our CloudWatch alarms", "CloudWatch Logs"),
        nouns=("our monitoring", "the alarms", "the dashboards", "the log queries", "our alerting"),
        vocab=(
            "metric filter",
            "alarm threshold",
            "evaluation period",
            "missing data treatment",
            "log group",
            "composite alarm",
            "datapoints to alarm",
        ),
        resources=("{app}-{env}-5xx-alarm", "/ecs/{app}-{env}", "{app}-{env}-latency-alarm"),
        weight=1.4,
        issues=(
            _i(
                "Alarm Configuration",
                topics=(
                    "Alarm not triggering",
                    "Alarm stuck in INSUFFICIENT_DATA",
                    "False alarms at night",
                    "Alarm actions not firing",
                ),
                symptoms=(
                    "the alarm never fires although the metric clearly crosses the threshold",
                    "the alarm has been stuck in INSUFFICIENT_DATA since we created it",
                    "we get paged with false alarms almost every night",
                    "the alarm changes state but the notification action never runs",
                ),
                errors=(
                    "State: INSUFFICIENT_DATA. Reason: Insufficient Data: 1 datapoint was unknown",
                    "Failed to execute action arn:aws:sns:{region}:{acct}:{app}-alerts. Received error: Resource is not in the state that is required",
                ),
                metrics=(
                    "the metric peaked at {pct}% for {n2} minutes but no alarm fired",
                    "we received {n2} false pages this week",
                ),
                tried=(
                    "changed the number of evaluation periods",
                    "set missing data to treat as breaching",
                    "tested the alarm action with set-alarm-state",
                ),
                questions=(
                    "how should we alarm on sparse metrics that only report on errors?",
                    "when should we use composite alarms instead of individual ones?",
                ),
                steps=(
                    "Confirm that the statistic, period, namespace and dimensions of the alarm exactly match the published metric.",
                    "Review the missing data treatment and the datapoints to alarm setting.",
                    "Check that the topic used by the alarm action allows publishing from CloudWatch and, if encrypted, that the key policy allows it.",
                    "Use the alarm history to see each state change and the evaluated datapoints.",
                ),
                asks=(
                    "The alarm name and region",
                    "The metric namespace and dimensions",
                    "The time the alarm should have fired",
                ),
            ),
            _i(
                "Log Insights Query",
                topics=(
                    "Log query returning no results",
                    "Log query timing out",
                    "Inconsistent query results",
                    "Parse command not extracting fields",
                ),
                symptoms=(
                    "queries return no results for log groups that clearly contain matching lines",
                    "queries over {n} days of logs time out",
                    "the same query returns different counts when we run it twice",
                    "the parse command leaves our fields empty",
                ),
                errors=(
                    "Query timed out",
                    "MalformedQueryException: unexpected symbol found | at line 2",
                    "LimitExceededException: Account maximum query concurrency limit of 30 reached",
                ),
                metrics=(
                    "the query scanned {n3} GB before it stopped",
                    "only {pct}% of the expected records are matched",
                ),
                tried=(
                    "narrowed the time range",
                    "tested the parse pattern on a single line",
                    "queried one log group at a time",
                ),
                questions=(
                    "how can we save and share queries across the team?",
                    "what is the best way to parse JSON logs with nested fields?",
                ),
                steps=(
                    "Confirm the selected time range and log groups, including the time zone shown in the console.",
                    "Test the parse or filter expression on a small time window first.",
                    "Narrow the time range or add filter commands early in the query to reduce the scanned data.",
                    "For structured logs, use the automatically discovered JSON fields instead of parse patterns.",
                ),
                asks=("The query text", "The log group names", "The time range and region"),
            ),
        ),
    ),
    _p(
        "AWS CloudTrail",
        "CloudTrail",
        named=("CloudTrail", "AWS CloudTrail", "our CloudTrail trail"),
        nouns=(
            "the audit log",
            "the trail",
            "our audit trail",
            "the event history",
            "our audit logging",
        ),
        vocab=(
            "trail",
            "data events",
            "management events",
            "log file validation",
            "organization trail",
            "advanced event selector",
            "digest files",
        ),
        resources=("org-trail-{env}", "{app}-audit-trail"),
        weight=0.9,
        issues=(
            _i(
                "Event Logging",
                topics=(
                    "Events missing from trail",
                    "Data events not logged",
                    "Log delivery failing",
                    "Gaps in audit logs",
                ),
                symptoms=(
                    "some API calls we know were made are missing from the trail",
                    "data events for our {app} bucket are not logged",
                    "log files stopped arriving in the destination bucket",
                    "events show up with a delay of more than an hour",
                ),
                errors=(
                    "InsufficientS3BucketPolicyException: Incorrect S3 bucket policy is detected",
                    "LatestDeliveryError: AccessDenied",
                    "InsufficientEncryptionPolicyException",
                ),
                metrics=(
                    "no log files have been delivered for {hours} hours",
                    "we count about {pct}% fewer events than last month",
                ),
                tried=(
                    "checked the event selectors",
                    "reviewed the bucket policy of the destination",
                    "looked for the calls in event history",
                ),
                questions=(
                    "how do we extend retention beyond the default?",
                    "what is the recommended way to send events to our SIEM?",
                ),
                steps=(
                    "Check the trail status for the latest delivery error and the time of the last delivered file.",
                    "Confirm that the event selectors include the management and data events you expect.",
                    "Verify that the destination bucket policy and any KMS key policy allow delivery.",
                    "Confirm whether the missing calls were made in a region or account covered by the trail.",
                ),
                asks=(
                    "The trail name and home region",
                    "An example of a missing event, with its time and account",
                    "The destination bucket",
                ),
            ),
        ),
    ),
    _p(
        "AWS Config",
        "AWS Config",
        named=("AWS Config", "our AWS Config rules", "the AWS Config recorder"),
        nouns=(
            "the compliance rules",
            "the configuration recorder",
            "the conformance pack",
            "our compliance checks",
            "the compliance dashboard",
        ),
        vocab=(
            "configuration recorder",
            "managed rule",
            "conformance pack",
            "remediation action",
            "aggregator",
            "evaluation",
            "delivery channel",
        ),
        resources=("required-tags", "s3-bucket-public-read-prohibited", "{app}-conformance-pack"),
        weight=0.8,
        issues=(
            _i(
                "Compliance Rules",
                topics=(
                    "Rule evaluations not updating",
                    "Compliant resources flagged",
                    "Remediation not running",
                    "Recorder not recording changes",
                ),
                symptoms=(
                    "rule evaluations stopped updating {when_ago}",
                    "resources that are clearly compliant are flagged as non-compliant",
                    "automatic remediation never runs for non-compliant resources",
                    "the aggregator shows no data for half of our accounts",
                ),
                errors=(
                    "NoAvailableConfigurationRecorderException",
                    "InsufficientPermissionsException: The rule does not have permission",
                    "NOT_APPLICABLE",
                ),
                metrics=(
                    "{n3} resources are marked non-compliant",
                    "the last successful evaluation was {hours} hours ago",
                ),
                tried=(
                    "re-evaluated the rule manually",
                    "checked the recorder status",
                    "reviewed the remediation role",
                ),
                questions=(
                    "how do we aggregate compliance across all accounts?",
                    "which conformance packs fit a SOC 2 audit?",
                ),
                steps=(
                    "Confirm that the configuration recorder is running and records the resource types of the rule.",
                    "Trigger a re-evaluation of the rule and review the evaluation results.",
                    "Review the permissions of the remediation role and the automation document parameters.",
                    "For aggregators, confirm the authorization in each source account and region.",
                ),
                asks=(
                    "The rule name and region",
                    "An example resource ID",
                    "The evaluation result shown for that resource",
                ),
            ),
        ),
    ),
    _p(
        "AWS Systems Manager",
        "Systems Manager",
        named=("Systems Manager", "AWS Systems Manager", "SSM"),
        nouns=(
            "the patching",
            "our patch baseline",
            "the maintenance window",
            "the managed nodes",
            "our patch process",
        ),
        vocab=(
            "patch baseline",
            "maintenance window",
            "patch group",
            "managed node",
            "agent",
            "Run Command",
            "patch compliance",
        ),
        resources=("{env}-patch-group", "pb-{h17}", "mw-{h17}"),
        weight=0.9,
        issues=(
            _i(
                "Patch Management",
                topics=(
                    "Patching not running",
                    "Nodes non-compliant after patching",
                    "Maintenance window failures",
                    "Nodes missing from inventory",
                ),
                symptoms=(
                    "patching does not run during the maintenance window",
                    "hosts report non-compliant even after a successful patch run",
                    "some hosts are missing from the inventory and never get patched",
                    "patching reboots hosts outside the window",
                ),
                errors=(
                    "Failed to install patches: exit code 1",
                    "Undeliverable: the node is not reachable",
                    "InvalidInstanceId: Instances not in a valid state for account",
                ),
                metrics=(
                    "{n2} of {n3} hosts are non-compliant",
                    "the last window had {n} failed invocations",
                ),
                tried=(
                    "checked the agent version",
                    "reviewed the approval rules of the baseline",
                    "ran the patch document manually",
                ),
                questions=(
                    "how should we stage patches across dev, staging and production?",
                    "can we install security patches without rebooting?",
                ),
                steps=(
                    "Confirm that the hosts appear as managed nodes and that the agent is online.",
                    "Review the approval rules and the patch group tag of the baseline.",
                    "Check the task invocation history of the maintenance window for errors.",
                    "Verify that the instance profile grants the required core permissions.",
                ),
                asks=(
                    "The maintenance window ID",
                    "The patch baseline ID",
                    "The ID of a non-compliant node",
                ),
            ),
        ),
    ),
    _p(
        "AWS Organizations",
        "Organizations",
        named=("AWS Organizations", "our AWS Organizations setup"),
        nouns=(
            "our organization",
            "the SCPs",
            "the policies on our OUs",
            "the account guardrails",
            "our multi-account setup",
        ),
        vocab=(
            "service control policy",
            "organizational unit",
            "management account",
            "delegated administrator",
            "policy inheritance",
            "deny statement",
        ),
        resources=("ou-{h4}-{h8}", "p-{h8}"),
        weight=0.7,
        issues=(
            _i(
                "Service Control Policies",
                topics=(
                    "SCP blocking allowed actions",
                    "SCP not taking effect",
                    "Region restriction blocks global services",
                    "Cannot attach policy to OU",
                ),
                symptoms=(
                    "an SCP blocks actions that our identity policies allow",
                    "a new deny policy does not seem to take effect in member accounts",
                    "the region restriction blocks global services such as IAM and billing",
                    "attaching a policy to an OU fails",
                ),
                errors=(
                    "AccessDenied: with an explicit deny in a service control policy",
                    "PolicyTypeNotEnabledException: This operation can be performed only for enabled policy types",
                    "ConstraintViolationException: POLICY_NUMBER_LIMIT_EXCEEDED",
                ),
                metrics=("{n} accounts are affected", "{n3} denied calls per hour"),
                tried=(
                    "checked policy inheritance from the root",
                    "tested the policy in a sandbox OU",
                    "reviewed every deny statement",
                ),
                questions=(
                    "how should we structure OUs for guardrails?",
                    "how do we test a new guardrail safely?",
                ),
                steps=(
                    "Review every policy attached on the path from the root to the account, because all of them apply.",
                    "Exempt global services from region conditions with a NotAction element.",
                    "Test policy changes in a sandbox OU before attaching them widely.",
                ),
                asks=("The account ID", "The IDs of the attached policies", "The denied action"),
            ),
        ),
    ),
    # ------------------------------------------------------------------------------ integration
    _p(
        "Amazon SNS",
        "SNS",
        named=("our SNS topic", "Amazon SNS", "SNS"),
        nouns=(
            "the topic",
            "our notifications",
            "the pub/sub topic",
            "the alert fan-out",
            "the notification topic",
        ),
        vocab=(
            "subscription",
            "filter policy",
            "delivery retry policy",
            "dead-letter queue",
            "FIFO topic",
            "delivery status logging",
        ),
        resources=("{app}-alerts", "{app}-events-topic"),
        weight=1.0,
        issues=(
            _i(
                "Topic Delivery",
                topics=(
                    "Messages not delivered",
                    "Subscription not receiving messages",
                    "Filter policy dropping messages",
                    "Deliveries delayed",
                ),
                symptoms=(
                    "some messages are never delivered to the subscribers",
                    "our HTTPS endpoint stopped receiving notifications {when_ago}",
                    "the filter policy drops messages we expect to receive",
                    "email subscriptions receive the messages minutes late",
                ),
                errors=(
                    "AuthorizationError: User is not authorized to perform: SNS:Publish",
                    "KMS.AccessDeniedException",
                    "Delivery failed: HTTP status 503",
                ),
                metrics=(
                    "NumberOfNotificationsFailed is {n3} per hour",
                    "about {pct}% of published messages are delivered",
                ),
                tried=(
                    "confirmed the subscription again",
                    "tested the filter policy",
                    "enabled delivery status logging",
                ),
                questions=(
                    "how should we handle retries for slow HTTP endpoints?",
                    "is it fine to fan out to many queues from one topic?",
                ),
                steps=(
                    "Enable delivery status logging for the protocol of the subscription.",
                    "Review the filter policy against the message attributes or body of a sample message.",
                    "Confirm that the subscription is confirmed and that the endpoint responds within the timeout.",
                    "For encrypted topics, confirm that the key policy allows the publishers and the service.",
                ),
                asks=("The topic ARN", "The subscription ARN", "An example message ID"),
            ),
        ),
    ),
    _p(
        "Amazon SQS",
        "SQS",
        named=("our SQS queue", "Amazon SQS", "SQS"),
        nouns=(
            "the queue",
            "our work queue",
            "the consumers",
            "the message backlog",
            "the job queue workers",
        ),
        vocab=(
            "visibility timeout",
            "dead-letter queue",
            "receive count",
            "long polling",
            "FIFO queue",
            "message group ID",
        ),
        resources=("{app}-{env}-queue", "{app}-jobs"),
        weight=1.1,
        issues=(
            _i(
                "Message Visibility",
                topics=(
                    "Messages processed twice",
                    "Messages reappearing in the queue",
                    "Messages stuck in flight",
                    "Messages moved to the DLQ early",
                ),
                symptoms=(
                    "messages are processed twice by different workers",
                    "messages reappear in the queue before processing finishes",
                    "thousands of messages stay in flight and never come back",
                    "messages land in the dead-letter queue after one slow attempt",
                ),
                errors=(
                    "ReceiptHandleIsInvalid: The input receipt handle is invalid",
                    "MessageNotInflight",
                    "AWS.SimpleQueueService.NonExistentQueue",
                ),
                metrics=(
                    "ApproximateNumberOfMessagesNotVisible is {n3}",
                    "about {pct}% of messages are received more than once",
                ),
                tried=(
                    "raised the visibility timeout",
                    "checked the consumer logic for early deletes",
                    "added a dead-letter queue",
                ),
                questions=(
                    "what visibility timeout should we use for jobs that take several minutes?",
                    "when should we use FIFO instead of a standard queue?",
                ),
                steps=(
                    "Set the visibility timeout longer than the maximum processing time of a message.",
                    "Extend the visibility of a message with ChangeMessageVisibility for long tasks.",
                    "Configure a dead-letter queue with a maximum receive count suited to your retries.",
                    "Design consumers to be idempotent, because standard queues deliver at least once.",
                ),
                asks=(
                    "The queue URL",
                    "The visibility timeout and maximum receive count",
                    "The average and maximum processing time",
                ),
            ),
        ),
    ),
    _p(
        "Amazon EventBridge",
        "EventBridge",
        named=("EventBridge", "Amazon EventBridge", "our EventBridge rule"),
        nouns=("the event rule", "our event bus", "the rule", "the event routing", "the bus"),
        vocab=(
            "event pattern",
            "event bus",
            "target",
            "input transformer",
            "archive and replay",
            "schema registry",
        ),
        resources=("{app}-{env}-rule", "{app}-bus"),
        weight=1.0,
        issues=(
            _i(
                "Event Pattern Matching",
                topics=(
                    "Rule not matching events",
                    "Events not reaching targets",
                    "Pattern matches too much",
                    "Targets not invoked",
                ),
                symptoms=(
                    "the rule does not match events that look identical to our test event",
                    "events are put on the bus but never reach the target",
                    "the pattern matches far more events than expected",
                    "matching works for some detail types and not for others",
                ),
                errors=(
                    "FailedInvocations",
                    "InvalidEventPatternException: Event pattern is not valid",
                    "FailedEntryCount: 1",
                ),
                metrics=(
                    "MatchedEvents is 0 while {n3} events were put",
                    "FailedInvocations is {n2} per hour",
                ),
                tried=(
                    "tested the pattern in the sandbox",
                    "checked the target role",
                    "compared the event structure with the pattern",
                ),
                questions=(
                    "what is the best way to test patterns before deploying them?",
                    "how do we replay archived events?",
                ),
                steps=(
                    "Test the event pattern against a captured sample event with the TestEventPattern API.",
                    "Confirm that the target resource policy or role allows the rule to invoke it.",
                    "Check the MatchedEvents and FailedInvocations metrics of the rule.",
                    "Configure a dead-letter queue on the target to capture failed deliveries.",
                ),
                asks=(
                    "The rule name and event bus",
                    "The event pattern",
                    "A sample event that should match",
                ),
            ),
        ),
    ),
    _p(
        "AWS Step Functions",
        "Step Functions",
        named=("Step Functions", "AWS Step Functions", "our Step Functions state machine"),
        nouns=(
            "the workflow",
            "the state machine",
            "our orchestration",
            "the executions",
            "our order workflow",
        ),
        vocab=(
            "state machine",
            "Task state",
            "Map state",
            "retry policy",
            "Catch block",
            "execution history",
            "Express workflow",
        ),
        resources=("{app}-workflow", "{app}-{env}-orchestrator"),
        weight=1.0,
        issues=(
            _i(
                "State Machine Execution",
                topics=(
                    "Executions failing",
                    "Execution stuck",
                    "Map state throttled",
                    "Retries not applied",
                ),
                symptoms=(
                    "executions fail at the same Task state every time",
                    "executions hang in a Task state for hours",
                    "the Map state is throttled when it fans out over {n3} items",
                    "transitions between states behave inconsistently",
                ),
                errors=(
                    "States.TaskFailed",
                    "States.Timeout",
                    "States.Runtime: An error occurred while executing the state",
                    "Lambda.TooManyRequestsException",
                ),
                metrics=("ExecutionsFailed is {n2} per hour", "{pct}% of executions time out"),
                tried=(
                    "reviewed the execution history",
                    "added retries with backoff",
                    "checked the execution role",
                ),
                questions=(
                    "should we use Standard or Express workflows for this workload?",
                    "what is a sensible retry policy for flaky downstream APIs?",
                ),
                steps=(
                    "Review the execution history to find the failing state and its error and cause.",
                    "Add Retry and Catch fields with backoff to states that call external services.",
                    "Confirm that the execution role can invoke every integrated service.",
                    "Set a TimeoutSeconds or HeartbeatSeconds value on long-running Task states.",
                ),
                asks=(
                    "The state machine ARN",
                    "The ARN of a failed execution",
                    "The name of the failing state",
                ),
            ),
        ),
    ),
    _p(
        "Amazon MQ",
        "Amazon MQ",
        named=("Amazon MQ", "our Amazon MQ broker"),
        nouns=(
            "the message broker",
            "the broker",
            "our ActiveMQ broker",
            "our RabbitMQ broker",
            "the messaging layer",
        ),
        vocab=(
            "broker",
            "active/standby deployment",
            "queue",
            "OpenWire",
            "AMQP",
            "connection limit",
            "failover transport",
        ),
        resources=("b-{uuid}",),
        weight=0.7,
        issues=(
            _i(
                "Broker Connectivity",
                topics=(
                    "Clients cannot connect to broker",
                    "Connections dropping",
                    "Clients not reconnecting after failover",
                    "TLS handshake failures",
                ),
                symptoms=(
                    "clients cannot connect to the broker since {when}",
                    "connections drop intermittently during business hours",
                    "clients fail to reconnect after the standby took over",
                    "the TLS handshake fails for our Java clients",
                ),
                errors=(
                    "javax.jms.JMSException: Could not connect to broker URL: ssl://{res}-1.mq.{region}.amazonaws.com:61617",
                    "Connection refused",
                    "javax.net.ssl.SSLHandshakeException: PKIX path building failed",
                ),
                metrics=(
                    "connections dropped {n2} times today",
                    "CurrentConnectionsCount is at {n3}, close to the limit",
                ),
                tried=(
                    "checked the security group",
                    "switched clients to the failover URL",
                    "restarted the clients",
                ),
                questions=(
                    "how do we configure failover URLs for an active/standby broker?",
                    "what connection limits apply to our broker size?",
                ),
                steps=(
                    "Confirm that the security group of the broker allows the client subnets on the protocol port.",
                    "Use the failover transport with both broker endpoints in the connection URL.",
                    "Review the broker logs for connection errors and limit warnings.",
                ),
                asks=(
                    "The broker ID and region",
                    "The client library and version",
                    "The connection URL used by the clients",
                ),
            ),
        ),
    ),
    _p(
        "AWS App Runner",
        "App Runner",
        named=("App Runner", "AWS App Runner", "our App Runner service"),
        nouns=(
            "the web service",
            "the service",
            "our containerized web app",
            "the app",
            "our web frontend",
        ),
        vocab=(
            "auto deployment",
            "health check",
            "VPC connector",
            "instance configuration",
            "auto scaling configuration",
            "source repository",
        ),
        resources=("{app}-{env}",),
        weight=0.7,
        issues=(
            _i(
                "Service Deployment",
                topics=(
                    "Deployment failing",
                    "Service stuck in operation in progress",
                    "Health check failing after deploy",
                    "Auto deploy not triggering",
                ),
                symptoms=(
                    "every new deployment fails and the service rolls back",
                    "the service is stuck in OPERATION_IN_PROGRESS",
                    "the health check fails right after the new image starts",
                    "pushes to the repository no longer trigger a deployment",
                ),
                errors=(
                    "Service deployment failed",
                    "Health check failed on protocol `TCP`[Port: '8080']",
                    "Failed to pull your application image",
                ),
                metrics=(
                    "{n} failed deployments in a row",
                    "the last deployment ran for {n2} minutes",
                ),
                tried=(
                    "checked the configured port",
                    "redeployed the previous image",
                    "reviewed the deployment logs",
                ),
                questions=(
                    "how do we connect the service to a private database?",
                    "how does auto scaling decide on instances?",
                ),
                steps=(
                    "Confirm that the configured port matches the port the application listens on.",
                    "Review the deployment and application logs of the failed operation.",
                    "Check the health check protocol, path and timeouts.",
                    "Verify that the access role can pull the image from the registry.",
                ),
                asks=(
                    "The service ARN",
                    "The operation ID of the failed deployment",
                    "The deployment logs",
                ),
            ),
        ),
    ),
    _p(
        "AWS Batch",
        "AWS Batch",
        named=("AWS Batch", "our AWS Batch queues"),
        nouns=(
            "the job queue",
            "our batch jobs",
            "the compute environment",
            "the queued jobs",
            "our batch workloads",
        ),
        vocab=(
            "job queue",
            "compute environment",
            "scheduling policy",
            "share identifier",
            "job definition",
            "array job",
        ),
        resources=("{app}-{env}-queue-high", "{app}-batch-ce"),
        weight=0.8,
        issues=(
            _i(
                "Job Queue Priority",
                topics=(
                    "High-priority jobs waiting",
                    "Jobs stuck in RUNNABLE",
                    "Queue priority ignored",
                    "Fair share not applied",
                ),
                symptoms=(
                    "high-priority jobs wait behind low-priority ones for hours",
                    "jobs stay in RUNNABLE even though the compute environment has capacity",
                    "fair share scheduling does not seem to apply between our teams",
                ),
                errors=(
                    "Job stuck in RUNNABLE",
                    "CLIENT_ERROR: Task failed to start",
                    "MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT",
                ),
                metrics=(
                    "{n3} jobs are in RUNNABLE",
                    "the high-priority queue waits {n2} minutes on average",
                ),
                tried=(
                    "raised the priority of the queue",
                    "checked the compute environment limits",
                    "reviewed the scheduling policy",
                ),
                questions=(
                    "how do we configure fair share between teams?",
                    "how many queues should share one compute environment?",
                ),
                steps=(
                    "Review the priority of each job queue attached to the compute environment.",
                    "Confirm that the compute environment maximum vCPUs can fit the requested job resources.",
                    "Review the share identifiers and weights of the scheduling policy.",
                ),
                asks=(
                    "The job queue name",
                    "The compute environment name",
                    "The ID of a waiting job",
                ),
            ),
        ),
    ),
    _p(
        "Amazon ECR",
        "ECR",
        named=("Amazon ECR", "ECR", "our ECR repository"),
        nouns=(
            "the container registry",
            "the image repository",
            "our registry",
            "the image scans",
            "our private registry",
        ),
        vocab=(
            "image scanning",
            "enhanced scanning",
            "scan on push",
            "lifecycle policy",
            "repository policy",
            "vulnerability findings",
        ),
        resources=("{app}-service", "{app}/{env}"),
        weight=0.9,
        issues=(
            _i(
                "Image Scanning",
                topics=(
                    "Scan results missing",
                    "Scan on push not running",
                    "Unexpected vulnerability findings",
                    "Scan failing for images",
                ),
                symptoms=(
                    "scans no longer run when we push new images",
                    "scan results are missing for images pushed {when_ago}",
                    "findings differ a lot from our local scanner",
                    "scans fail for our distroless images",
                ),
                errors=(
                    "UNSUPPORTED_IMAGE: The operating system and/or package manager are not supported",
                    "SCAN_ELIGIBILITY_EXPIRED",
                    "ScanNotFoundException",
                ),
                metrics=(
                    "{n2} critical findings on the latest image",
                    "{pct}% of our images have no scan result",
                ),
                tried=(
                    "enabled scan on push again",
                    "started a manual scan",
                    "checked the registry scanning settings",
                ),
                questions=(
                    "should we use basic or enhanced scanning?",
                    "how do we block deployments of vulnerable images?",
                ),
                steps=(
                    "Confirm the scanning configuration of the registry and the repository filters.",
                    "Check that the operating system of the image is supported by the scanner.",
                    "Review the findings by severity and compare the package versions with your local scanner.",
                ),
                asks=(
                    "The repository name",
                    "The image digest",
                    "The scan status shown for the image",
                ),
            ),
        ),
    ),
    # ---------------------------------------------------------------------- non-AWS seed products
    _p(
        "Cloud Analytics Dashboard",
        "Cloud Analytics",
        named=("the Cloud Analytics Dashboard", "Cloud Analytics", "our Cloud Analytics Dashboard"),
        nouns=(
            "the dashboard",
            "our analytics dashboard",
            "the charts",
            "the reporting UI",
            "the analytics portal",
        ),
        vocab=(
            "widget",
            "data source",
            "refresh interval",
            "filter panel",
            "chart",
            "CSV export",
            "saved view",
        ),
        resources=("{app}-overview", "dash-{h8}"),
        weight=1.0,
        issues=(
            _i(
                "Performance Issue",
                topics=(
                    "Dashboard slow to load",
                    "Widgets timing out",
                    "Filters very slow",
                    "Exports take forever",
                ),
                symptoms=(
                    "the dashboard takes {n2} seconds to load in the morning",
                    "several widgets time out and show an empty frame",
                    "every filter change takes close to a minute",
                    "CSV exports of the monthly view never finish",
                ),
                errors=(
                    "Request timed out after 60000 ms",
                    "504 Gateway Timeout",
                    "Widget query exceeded the maximum execution time",
                ),
                metrics=(
                    "load time went from {n} to {n2} seconds",
                    "about {pct}% of widget queries time out",
                ),
                tried=(
                    "cleared the browser cache",
                    "reduced the date range",
                    "tested in another browser",
                ),
                questions=(
                    "how many widgets per dashboard do you recommend?",
                    "can we schedule refreshes outside business hours?",
                ),
                steps=(
                    "Reduce the number of widgets per view or split the dashboard into several views.",
                    "Review the refresh interval of each data source.",
                    "Check the response time of the underlying data source for the slowest widgets.",
                ),
                asks=("The dashboard ID", "The browser and version", "The date range that is slow"),
            ),
            _i(
                "Data Visualization Error",
                topics=(
                    "Charts showing wrong numbers",
                    "Chart not rendering",
                    "Totals do not match source",
                    "Dates shifted by time zone",
                ),
                symptoms=(
                    "charts show numbers that do not match our source system",
                    "one chart does not render at all since {when}",
                    "daily totals are shifted by one day",
                    "the legend and the colors of the series are mixed up",
                ),
                errors=(
                    "Error rendering visualization",
                    "Invalid date format in column order_date",
                    "TypeError: Cannot read properties of undefined (reading 'map')",
                ),
                metrics=(
                    "totals differ by {pct}% from the source",
                    "{n} of {n2} charts are affected",
                ),
                tried=(
                    "refreshed the data source",
                    "checked the time zone setting",
                    "rebuilt the chart from scratch",
                ),
                questions=(
                    "can we customize the colors of the charts?",
                    "how do we add a calculated field?",
                ),
                steps=(
                    "Check the time zone setting of the dashboard and of the data source.",
                    "Review the aggregation and filters applied to the chart.",
                    "Refresh the data source and compare the results with a direct query.",
                ),
                asks=(
                    "The dashboard ID",
                    "The name of the affected chart",
                    "The expected and displayed values",
                ),
            ),
        ),
    ),
    _p(
        "Data Pipeline Service",
        "Data Pipeline Service",
        named=("the Data Pipeline Service", "our Data Pipeline Service"),
        nouns=(
            "the pipeline",
            "our data sync",
            "the connector",
            "the integration",
            "the ingestion jobs",
        ),
        vocab=(
            "connector",
            "source",
            "destination",
            "schedule",
            "field mapping",
            "webhook",
            "sync run",
        ),
        resources=("{app}-sync-{n2}", "conn-{h8}"),
        weight=1.0,
        issues=(
            _i(
                "Integration Error",
                topics=(
                    "Connector failing",
                    "Sync runs failing",
                    "Webhook rejected",
                    "Source authentication expired",
                ),
                symptoms=(
                    "the connector to our CRM fails on every run",
                    "sync runs fail halfway with a schema error",
                    "the destination rejects our webhook calls",
                    "the source credentials expire every few days",
                ),
                errors=(
                    "401 Unauthorized: token expired",
                    "Connection reset by peer",
                    "Schema mismatch: column customer_id expected INTEGER, got STRING",
                ),
                metrics=(
                    "{n} of {n2} sync runs failed this week",
                    "about {pct}% of records are rejected",
                ),
                tried=(
                    "re-authorized the connector",
                    "checked the field mapping",
                    "retried the run manually",
                ),
                questions=(
                    "how do we add a second destination?",
                    "can we backfill the last month of data?",
                ),
                steps=(
                    "Re-authorize the connector and confirm the credentials have the required scopes.",
                    "Review the field mapping against the current schema of the source and destination.",
                    "Check the run logs for the first failing record.",
                ),
                asks=("The connector ID", "The error from the run log", "The ID of a failed run"),
            ),
            _i(
                "Configuration Problem",
                topics=(
                    "Schedule not running",
                    "Field mapping wrong",
                    "Settings not saved",
                    "Duplicate records after sync",
                ),
                symptoms=(
                    "the schedule does not run at the configured time",
                    "fields end up in the wrong destination columns",
                    "changes to the settings are lost after saving",
                    "records are duplicated in the destination after each sync",
                ),
                errors=(
                    "Invalid configuration: schedule expression",
                    "Validation failed: primary key is required for incremental sync",
                ),
                metrics=(
                    "about {pct}% of rows are duplicates",
                    "the last scheduled run was {hours} hours ago",
                ),
                tried=(
                    "saved the configuration again",
                    "checked the schedule time zone",
                    "reviewed the primary key settings",
                ),
                questions=(
                    "how do we deduplicate records on incremental syncs?",
                    "can we template configurations across environments?",
                ),
                steps=(
                    "Review the schedule expression and its time zone.",
                    "Confirm the primary key and the incremental cursor field of the sync.",
                    "Validate the configuration and compare it with a working pipeline.",
                ),
                asks=(
                    "The pipeline ID",
                    "The configuration export",
                    "Examples of duplicated records",
                ),
            ),
        ),
    ),
)
