-- Vista procedure style: an UPDATE followed directly by SET statements, no semicolons.
CREATE PROCEDURE dbo.mckspJCJobNotesClear (@JCCo bCompany, @Job bJob, @msg varchar(255) OUTPUT)
AS
SET NOCOUNT ON
DECLARE @rcode int
SELECT @rcode = 0

UPDATE bJCJM
SET Notes = NULL
WHERE JCCo = @JCCo AND Job = @Job
SET NOCOUNT OFF

IF @@ROWCOUNT = 0
BEGIN
    SELECT @msg = 'Job not found', @rcode = 1
END

RETURN @rcode
GO
