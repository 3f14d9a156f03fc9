-- expect: VG004
-- vgpt2: disable-file=VG005
SELECT cm.Contract FROM bJCCM cm WITH (NOLOCK);
SELECT j.Job FROM JCJM j; -- vgpt2: disable=VG004
SELECT h.APRef FROM APTH h;
