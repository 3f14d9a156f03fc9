SET QUOTED_IDENTIFIER OFF
GO
SET ANSI_NULLS ON
GO
CREATE  proc [dbo].[mckspJCJobVal]
/***********************************************************
* CREATED BY: report team
* MODIFIED By :
*
* USAGE:
* validates JC Job, returns description and contract
*
* INPUT PARAMETERS
*   JCCo   JC Co to validate against
*   Job    Job to validate
*
* OUTPUT PARAMETERS
*   @contract, @desc, @msg
* RETURN VALUE
*   0   success
*   1   Failure
*****************************************************/
(@jcco bCompany = 0, @job bJob = null, @contract bContract = null output,
 @desc bItemDesc = null output, @msg varchar(255) output)
as
set nocount on

declare @rcode int, @status tinyint
select @rcode = 0

if @jcco is null
	begin
	select @msg = 'Missing JC Company!', @rcode = 1
	goto bspexit
	end

if @job is null
	begin
	select @msg = 'Missing Job!', @rcode = 1
	goto bspexit
	end

select @contract = j.Contract, @desc = j.Description, @status = j.JobStatus
from dbo.JCJM j with (nolock)
where j.JCCo = @jcco and j.Job = @job
if @@rowcount = 0
	begin
	select @msg = 'Job not on file!', @rcode = 1
	goto bspexit
	end

if @status = 3
	begin
	select @msg = 'Job is closed!', @rcode = 1
	goto bspexit
	end

select @msg = isnull(@desc, '') + ' / ' + isnull((select c.Description from dbo.JCCM c with (nolock)
	where c.JCCo = @jcco and c.Contract = @contract), '')

bspexit:
	if @rcode <> 0 select @msg = isnull(@msg, '') + char(13) + char(10) + '[mckspJCJobVal]'
	return @rcode
GO
GRANT EXECUTE ON  [dbo].[mckspJCJobVal] TO [public]
GO
