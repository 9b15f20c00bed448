"""Actionable guidance: steps written as commands, checks under an instruction intro, console
click-paths, and generic objects that make a step vague (text_checks.steps)."""

import pytest

from ticket_platform.evaluation import text_checks as tc
from ticket_platform.evaluation.rules import assess_guidance

COMMANDS_AFTER_PROSE = """Hello,

Your Auto Scaling group is not adding instances for two likely reasons:

1. **Maximum size.** If MaxSize is 6, the group cannot grow beyond 6.
2. **Policy target.** A target tracking policy acts on the group average.

To check:

```
aws autoscaling describe-auto-scaling-groups --auto-scaling-group-names <asg> \\
  --query "AutoScalingGroups[0].[MinSize,MaxSize]"
aws autoscaling describe-policies --auto-scaling-group-name <asg>
{"note": "output is not a step"}
```

Regards,
AWS Support"""


def test_commands_in_a_code_block_are_steps_and_a_list_of_causes_is_not():
    steps = tc.extract_steps(COMMANDS_AFTER_PROSE)
    assert [s.text[:48] for s in steps] == [
        "aws autoscaling describe-auto-scaling-groups --a",
        "aws autoscaling describe-policies --auto-scaling",
    ]
    assert steps[0].text.endswith('--query "AutoScalingGroups[0].[MinSize,MaxSize]"')
    assert all(s.markers == ("command",) for s in steps)
    assert assess_guidance(COMMANDS_AFTER_PROSE).passed


CHECKS = """Dear Customer,

Please check:

1. The service events and the state of the deployment:
   aws ecs describe-services --cluster <cluster> --services <service>
   rolloutState and rolloutStateReason explain why the deployment failed.
2. The service event log in CloudWatch Logs.
3. Recent changes.

Kind regards,
AWS Support"""


def test_items_under_an_instruction_intro_are_steps_with_their_indented_commands():
    steps = tc.extract_steps(CHECKS)
    assert len(steps) == 3
    assert "`aws ecs describe-services" in steps[0].text and "command" in steps[0].markers
    assert "logs" in steps[1].markers
    assert not steps[2].specific


def test_an_explanatory_item_is_a_step_when_it_holds_an_instruction_or_a_command():
    text = (
        "An NXDOMAIN usually has one of the following causes:\n\n"
        "1. The VPC is not associated with the zone. Check with "
        "`aws route53 list-hosted-zones-by-vpc --vpc-id <vpc-id> --vpc-region <region>`.\n"
        "2. The VPC attributes must be true: "
        "`aws ec2 describe-vpc-attribute --vpc-id <vpc-id> --attribute enableDnsSupport`.\n"
        "3. A resolver cached the negative answer.\n"
    )
    steps = tc.extract_steps(text)
    assert [s.text[:12] for s in steps] == ["The VPC is n", "The VPC attr"]
    assert all("command" in s.markers for s in steps)


def test_a_code_block_after_a_list_item_belongs_to_it():
    text = (
        "What I would do next:\n\n1. Find the first failed resource:\n\n```bash\n"
        "aws cloudformation describe-stack-events --stack-name api\n```\n\n"
        "2. Because you use nested stacks, open the nested stack's **Events** tab.\n"
    )
    steps = tc.extract_steps(text)
    assert len(steps) == 2 and all(s.specific for s in steps)
    assert "describe-stack-events" in steps[0].text
    assert "console page" in steps[1].markers


@pytest.mark.parametrize(
    "step",
    [
        "In QuickSight, go to Manage QuickSight > Domains and Embedding and confirm the domain.",
        "Open **EC2** > **Auto Scaling groups** > your group > **Activity**.",
        "Look for the 'Edit' option to change the color scheme.",
        "Review the termination reason on the Summary tab of the cluster.",
    ],
)
def test_console_click_paths_and_named_tabs_are_console_pages(step: str):
    assert "console page" in tc.step_markers(step)


@pytest.mark.parametrize(
    "step", ["This section explains the limits.", "Pick the option that fits your workload."]
)
def test_a_determiner_before_page_or_option_names_no_console_page(step: str):
    assert "console page" not in tc.step_markers(step)


def test_a_link_inside_a_command_does_not_hide_the_command():
    step = "Cache headers: run `curl -sI https://<domain>/<asset>` twice and compare X-Cache."
    assert "command" in tc.step_markers(step)
    assert tc.is_command_line("curl -sI https://example.com/")
    assert not tc.is_command_line("Review the curl output.")


@pytest.mark.parametrize(
    ("step", "generic"),
    [
        ("Check for any recent changes to the backup plan.", "any recent changes"),
        ("Ensure that the read replica is properly configured.", "properly configured"),
        ("Verify the configuration settings in the AWS Shield console.", "the configuration"),
        ("Verify the data sources and configurations in the dashboard.", "and configurations"),
    ],
)
def test_a_generic_object_is_not_made_specific_by_a_resource_name(step: str, generic: str):
    assert tc.generic_wording(step) == generic
    assert tc.step_markers(step) == ()


@pytest.mark.parametrize(
    "step",
    [
        "Review recent changes in the CloudTrail logs of the account.",  # logs name a place
        "Review the Shield Advanced settings in the console to ensure they are correctly set up.",
        "Verify the configuration recorder is active in the AWS Config console.",
        "Review the policy or configuration, including permission boundaries.",
    ],
)
def test_generic_words_outside_the_object_or_beside_a_named_place_are_not_generic(step: str):
    assert tc.generic_wording(step) is None
    assert tc.step_markers(step) != ()


def test_the_reasoning_says_which_words_are_generic():
    text = (
        "Immediate steps to try:\n"
        "1. Review the job details in the AWS Backup console for error messages or logs.\n"
        "2. Check for any recent changes to the backup plan.\n"
    )
    assessment = assess_guidance(text)
    assert not assessment.passed
    assert "(generic: 'any recent changes')" in assessment.reasoning
    assert assessment.facts == (
        "only 1 of 2 steps specific (console, logs, metrics, command or named setting)",
    )


def test_requests_and_questions_are_still_not_steps():
    text = (
        "Please check:\n- `aws s3api get-bucket-policy --bucket <bucket>`\n\n"
        "To help us, please provide:\n- The output of `aws s3 ls s3://bucket/`\n"
        "- The Region\n\nCould you share the error message?\n"
    )
    steps = tc.extract_steps(text)
    assert [s.text for s in steps] == ["`aws s3api get-bucket-policy --bucket <bucket>`"]
    assert "The Region" in tc.info_requests(text)


# How other assistants write steps: prose, tables, headings, named features (issue 22).
PROSE_STEPS = """Hello,

First, open the Lambda console and review the Throttles metric of the function. Then run
`aws lambda get-function-configuration --function-name app` to confirm the timeout.

Regards"""

TABLE_STEPS = """Hello,

| Step | Action |
|---|---|
| 1 | Find the key: `aws sns get-topic-attributes --topic-arn <arn>` |
| 2 | Review the `sns/eu-north-1/<account-id>/crm-events-topic` log group |

Regards"""

HEADED_STEPS = """Hello,

### Check the metrics
In CloudWatch, review ConcurrentExecutions for the function.

### Raise the limit
Request a higher concurrency quota in the Service Quotas console.

Regards"""


def test_actions_joined_in_prose_sentences_are_separate_steps():
    single_line = PROSE_STEPS.replace("\n`", " `")
    steps = tc.extract_steps(single_line)
    assert [s.text.split()[0] for s in steps] == ["First,", "Then"]
    joined = "Hello,\n\nCheck it with `aws kms get-key-policy --key-id k`, and look at the Key policy tab.\n"
    assert len(tc.extract_steps(joined)) == 2
    assert assess_guidance(single_line).facts == ()


def test_table_rows_are_steps_and_the_header_is_not():
    steps = tc.extract_steps(TABLE_STEPS)
    assert [s.specific for s in steps] == [True, True]
    assert assess_guidance(TABLE_STEPS).facts == ()


def test_headings_are_titles_and_the_lines_under_them_are_the_steps():
    steps = tc.extract_steps(HEADED_STEPS)
    assert [s.text.split()[0] for s in steps] == ["In", "Request"]


def test_a_named_feature_of_the_fact_base_makes_a_step_specific():
    assert tc.extract_steps("Please consider training a Custom Labels model on your classes.")[
        0
    ].specific
    assert tc.extract_steps("Use the EventBridge schema discovery feature.")[0].specific
    assert not tc.extract_steps("Consider training a better model on your classes.")[0].specific


def test_requests_and_generic_wording_stay_out_of_prose_steps():
    text = (
        "Hello,\n\nIf the issue continues, please reply with the job, query or cluster "
        "identifier, and the Region. Please review your configuration, and check for any "
        "recent changes.\n"
    )
    steps = tc.extract_steps(text)
    assert not any("reply" in s.text for s in steps)
    assert not any(s.specific for s in steps)


def test_a_paragraph_mentioning_fair_share_does_not_make_the_list_a_request():
    text = (
        "Fair share scheduling is configured with a scheduling policy.\n\n"
        "1. Create the policy: `aws batch create-scheduling-policy --name teams`\n"
        "2. Submit jobs: `aws batch submit-job --job-name nightly --share-identifier a`\n"
    )
    assert len(tc.extract_steps(text)) == 2
    assert tc.info_requests(text) == []
